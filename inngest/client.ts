import { Inngest } from "inngest";
import { logger } from "@/server/logger";

/**
 * The app's Inngest client, always in the SDK's verifying ("cloud") mode: serve() runs nothing
 * and syncs nothing unless the request is signed with INNGEST_SIGNING_KEY, whoever sends it
 * (Inngest Cloud, a self-hosted Inngest, or the local executor that `npm run dev` starts, which
 * signs its requests the same way). The SDK reads INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY and
 * INNGEST_BASE_URL itself; server/config/env.ts checks them at start.
 */
export const inngest = new Inngest({ id: "buildos-sms", isDev: false, logger: logger.child({ component: "inngest" }) });

import { Inngest } from "inngest";

/**
 * The app's Inngest client. In the embedded default `INNGEST_DEV=1` points it at the
 * local executor on 127.0.0.1:8288; in production INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY
 * point it at Inngest Cloud or a self-hosted Inngest.
 */
export const inngest = new Inngest({ id: "buildos-sms" });

import { env } from "../config/env";
import { db } from "../db";
import type { DispatchDeps } from "./dispatch";
import { smsProvider } from "./provider-instance";

/** Dispatch dependencies of the running app, from configuration (read on first use, not at import). */
export function appDispatchDeps(): DispatchDeps {
  return {
    db: db(),
    provider: smsProvider(),
    statusCallbackUrl: `${env().PUBLIC_URL}/api/webhooks/twilio/status`,
  };
}

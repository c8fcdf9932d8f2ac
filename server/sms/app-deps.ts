import { env } from "../config/env";
import { db } from "../db";
import { appJobs } from "../jobs/inngest-client";
import { logger } from "../logger";
import type { DispatchDeps } from "./dispatch";
import type { ReconcileDeps } from "./reconcile/deps";
import { smsProvider } from "./provider-instance";

/** Dispatch dependencies of the running app, from configuration (read on first use, not at import). */
export function appDispatchDeps(): DispatchDeps {
  return {
    db: db(),
    provider: smsProvider(),
    statusCallbackUrl: `${env().PUBLIC_URL}/api/webhooks/twilio/status`,
  };
}

/** Reconciliation's dependencies in the running app: a system actor, the app's engine and Twilio. */
export function appReconcileDeps(): ReconcileDeps {
  return {
    db: db(),
    actor: { type: "system", reason: "reconcile" },
    jobs: appJobs(),
    provider: smsProvider(),
    log: logger.child({ cron: "reconcile-messages" }),
  };
}

import { appJobs } from "../jobs/inngest-client";
import type { JobSender } from "../jobs/define";
import { env } from "../config/env";
import { db } from "../db";
import type { Db } from "@/db/client";
import { logger } from "../logger";
import type { SmsSender } from "./dispatch";
import type { ReconcileDeps } from "./reconcile/deps";
import { smsProvider } from "./app-provider";
import { smsMaxPerSecond } from "./throughput";

/** What the SMS pipeline's durable functions need: the database, the job sender, and how texts leave. */
export interface SmsPipelineDeps {
  db: Db;
  jobs: JobSender;
  sender: SmsSender;
  /** The pipeline's clock (default: the system clock). */
  now?: () => Date;
}

/** The pipeline dependencies of the running app, from configuration (read on first use, not at import). */
export function appSmsPipelineDeps(): SmsPipelineDeps {
  return {
    db: db(),
    jobs: appJobs(),
    sender: {
      provider: smsProvider(),
      statusCallbackUrl: `${env().PUBLIC_URL}/api/webhooks/twilio/status`,
      maxPerSecond: smsMaxPerSecond(env()),
    },
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

import type { InngestFunction } from "inngest";
import { env } from "@/server/config/env";
import { appReconcileDeps, appSmsPipelineDeps } from "@/server/sms/app-pipeline-deps";
import { smsMaxPerSecond } from "@/server/sms/throughput";
import { inngest } from "../client";
import { createRefreshDashboardStatsFunction } from "./dashboard-stats";
import { createDispatchMessageFunction } from "./dispatch-message";
import { createReconcileMessagesFunction } from "./reconcile-messages";
import { createRecoverStrandedFunction } from "./recover-stranded";
import { createSendSmsFunction } from "./send-sms";
import { createDailyBriefFunction, createTaskRemindersFunction } from "./sms-crons";

/**
 * Every function the app serves; each is a thin adapter over a server/ service. Built on first
 * use, not at import: flow control (the throughput cap) comes from configuration, and the
 * build imports this module without the runtime configuration.
 */
export function appFunctions(): InngestFunction.Any[] {
  const config = env();
  return [
    createSendSmsFunction(inngest, appSmsPipelineDeps),
    createDispatchMessageFunction(inngest, appSmsPipelineDeps, { maxPerSecond: smsMaxPerSecond(config) }),
    createTaskRemindersFunction(inngest, appSmsPipelineDeps),
    createDailyBriefFunction(inngest, appSmsPipelineDeps),
    createReconcileMessagesFunction(inngest, appReconcileDeps),
    createRecoverStrandedFunction(inngest, appReconcileDeps),
    createRefreshDashboardStatsFunction(inngest, appSmsPipelineDeps),
  ];
}

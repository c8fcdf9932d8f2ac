import { NonRetriableError, RetryAfterError, type Inngest } from "inngest";
import { dispatchMessage, giveUpOnMessage } from "@/server/sms/dispatch";
import type { SmsPipelineDeps } from "@/server/sms/app-pipeline-deps";
import { priorityRunExpression } from "@/server/sms/categories";
import { SEND_RETRIES, sendRetryDelayMs } from "@/server/sms/retry-schedule";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import { JobPayloadError } from "@/server/jobs/define";
import { systemContext } from "@/server/service-context";

/** Retries per message when Twilio answers 429 or 5xx: about an hour of them (server/sms/retry-schedule.ts). */
export const DISPATCH_RETRIES = SEND_RETRIES;

export interface DispatchFlowControl {
  /** The app-wide cap on texts handed to Twilio per second (SMS_MAX_PER_SECOND). */
  maxPerSecond: number;
}

/**
 * Sends one queued message. Thin: the claim, the send and the bookkeeping live in
 * server/sms/dispatch.ts; this adapter turns "try again" into the durable engine's retry
 * (honouring Twilio's Retry-After) and marks the message failed once retries run out.
 * The run's output is the dispatch outcome, so the run says what happened to the text.
 *
 * The throughput cap and priority sit here, on the function that sends, because Inngest's
 * throttle applies when a run starts: a run that starts is a text that goes out now. Texts
 * held through quiet hours wait in send-sms runs, which hand them over only when they are due,
 * so a thousand texts waking at 08:00 queue behind this throttle instead of bursting past it.
 */
export function createDispatchMessageFunction(client: Inngest, deps: () => SmsPipelineDeps, flow: DispatchFlowControl) {
  const context = () => systemContext(deps().db, deps().jobs, dispatchMessageJob.id);
  return client.createFunction(
    {
      id: dispatchMessageJob.id,
      retries: DISPATCH_RETRIES,
      triggers: [{ event: dispatchMessageJob.eventName }],
      throttle: { limit: flow.maxPerSecond, period: "1s" },
      priority: { run: priorityRunExpression() },
      onFailure: async ({ event, error }) => {
        const parsed = dispatchMessageJob.schema.safeParse(event.data.event.data);
        if (parsed.success) await giveUpOnMessage(context(), parsed.data.messageId, error.message);
      },
    },
    async ({ event, step, attempt, runId }) => {
      const { messageId } = parseOrStop(event.data);
      return step.run("dispatch", async () => {
        // The run id marks the claim as this run's: a retry after a try that died mid-send reports
        // "unknown" instead of "not_claimed", and never sends again.
        const outcome = await dispatchMessage(context(), deps().sender, { messageId, claimToken: runId });
        if (outcome.result !== "retry") return outcome;
        const delayMs = sendRetryDelayMs(attempt, outcome.retryAfterMs);
        const why = outcome.retryAfterMs !== undefined ? "Twilio asked us to wait" : "Twilio could not take the message";
        throw new RetryAfterError(`${why}: ${outcome.reason}`, delayMs);
      });
    },
  );
}

function parseOrStop(data: unknown) {
  try {
    return dispatchMessageJob.parse(data);
  } catch (error) {
    if (error instanceof JobPayloadError) throw new NonRetriableError(error.message);
    throw error;
  }
}

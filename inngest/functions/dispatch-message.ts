import { NonRetriableError, RetryAfterError, type Inngest } from "inngest";
import { dispatchMessage, giveUpOnMessage, type DispatchDeps } from "@/server/sms/dispatch";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import { JobPayloadError } from "@/server/jobs/define";

/** Attempts per message when Twilio answers 429 or 5xx (nothing reached Twilio on those). */
export const DISPATCH_RETRIES = 6;

/**
 * Sends one queued message. Thin: the claim, the send and the bookkeeping live in
 * server/sms/dispatch.ts; this adapter turns "try again" into the durable engine's retry
 * (honouring Twilio's Retry-After) and marks the message failed once retries run out.
 * The run's output is the dispatch outcome, so the run says what happened to the text.
 */
export function createDispatchMessageFunction(client: Inngest, deps: () => DispatchDeps) {
  return client.createFunction(
    {
      id: dispatchMessageJob.id,
      retries: DISPATCH_RETRIES,
      triggers: [{ event: dispatchMessageJob.eventName }],
      onFailure: async ({ event, error }) => {
        const parsed = dispatchMessageJob.schema.safeParse(event.data.event.data);
        if (parsed.success) await giveUpOnMessage(deps().db, parsed.data.messageId, error.message);
      },
    },
    async ({ event, step, runId }) => {
      const { messageId } = parseOrStop(event.data);
      return step.run("dispatch", async () => {
        // The run id marks the claim as this run's: a retry after a try that died mid-send reports
        // "unknown" instead of "not_claimed", and never sends again.
        const outcome = await dispatchMessage(deps(), { messageId, claimToken: runId });
        if (outcome.result !== "retry") return outcome;
        if (outcome.retryAfterMs !== undefined) {
          throw new RetryAfterError(`Twilio asked us to wait: ${outcome.reason}`, new Date(Date.now() + outcome.retryAfterMs));
        }
        throw new Error(`Twilio could not take the message: ${outcome.reason}`);
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

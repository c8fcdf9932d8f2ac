import { NonRetriableError, RetryAfterError, type Inngest } from "inngest";
import { dispatchMessage } from "@/server/sms/dispatch";
import { giveUpOnMessage } from "@/server/sms/dispatch-outcomes";
import { decideAndQueue, decisionTime } from "@/server/sms/send-pipeline";
import type { SmsPipelineDeps } from "@/server/sms/app-pipeline-deps";
import { priorityRunExpression } from "@/server/sms/categories";
import { SEND_RETRIES, sendRetryDelayMs } from "@/server/sms/retry-schedule";
import { dispatchMessageJob } from "@/server/jobs/definitions";
import { systemContext } from "@/server/service-context";
import { parseOrStop } from "./job-payload";

/** Retries per message when Twilio answers 429 or 5xx: about an hour of them (server/sms/retry-schedule.ts). */
export const DISPATCH_RETRIES = SEND_RETRIES;

/**
 * Claims a run tries before it gives up: each wait for the send pacer (each waits out the pacer's
 * whole queue) and each return to being held uses one. Far more than any real text needs; it only
 * stops a run that would otherwise loop on a bug.
 */
const MAX_PASSES = 20;

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
 * The engine's calls still reach the app bunched, so the cap itself is held where the text
 * leaves: dispatchMessage takes a slot of the app-wide send pacer with its claim
 * (server/sms/send-pacer.ts), and a run whose pacer queue is full sleeps and claims again.
 */
export function createDispatchMessageFunction(client: Inngest, deps: () => SmsPipelineDeps, flow: DispatchFlowControl) {
  const context = () => systemContext(deps().db, deps().jobs, dispatchMessageJob.id);
  return client.createFunction(
    {
      id: dispatchMessageJob.id,
      retries: DISPATCH_RETRIES,
      triggers: [{ event: dispatchMessageJob.eventName }],
      // The pacer holds the cap exactly; the throttle only keeps its queue short. Half a second of
      // burst gives the pacer a small head start, so a stall between the engine and the app
      // (calls arriving late, then bunched) does not leave send slots unused.
      throttle: { limit: flow.maxPerSecond, period: "1s", burst: Math.ceil(flow.maxPerSecond / 2) },
      priority: { run: priorityRunExpression() },
      onFailure: async ({ event, error }) => {
        const parsed = dispatchMessageJob.schema.safeParse(event.data.event.data);
        if (parsed.success) await giveUpOnMessage(context(), parsed.data.messageId, error.message);
      },
    },
    async ({ event, step, attempt, runId }) => {
      const { messageId, releasedAt: released } = parseOrStop(dispatchMessageJob, event.data);
      // The claim never judges the text earlier than the moment it was released for (dispatch.ts).
      let releasedAt = released ? new Date(released) : undefined;
      let turn = 0;
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const outcome = await step.run(pass === 0 ? "dispatch" : `dispatch-${pass}`, async () => {
          // The run id marks the claim as this run's: a retry after a try that died mid-send reports
          // "unknown" instead of "not_claimed", and never sends again.
          const { sender, now } = deps();
          // One clock for the pipeline: the decision at the claim reads the same time as the ones before it.
          const outcome = await dispatchMessage(context(), now ? { ...sender, now } : sender, { messageId, claimToken: runId, releasedAt });
          if (outcome.result !== "retry") return outcome;
          const delayMs = sendRetryDelayMs(attempt, outcome.retryAfterMs);
          const why = outcome.retryAfterMs !== undefined ? "Twilio asked us to wait" : "Twilio could not take the message";
          throw new RetryAfterError(`${why}: ${outcome.reason}`, delayMs);
        });
        if (outcome.result === "paced") {
          // The send pacer's queue was full (nothing claimed): wait it out durably, not in a held
          // call, and without spending one of the retries meant for Twilio's 429s and 5xx.
          await step.sleep(`wait-for-send-slot-${pass}`, Math.max(1_000, outcome.retryAfterMs));
          continue;
        }
        if (outcome.result !== "held") return outcome;
        // Held back at the moment of sending (quiet hours began or changed while it waited in this
        // queue): sleep like send-sms does, and decide again on waking until it is queued or ends.
        let until = outcome.until;
        for (;;) {
          await step.sleepUntil(`held-${turn}`, until);
          const sleptUntil = until;
          const next = await step.run(`decide-${turn}`, () => {
            const { db, jobs, now } = deps();
            return decideAndQueue(systemContext(db, jobs, dispatchMessageJob.id), messageId, decisionTime(now?.() ?? new Date(), sleptUntil));
          });
          turn += 1;
          if (next.next === "queued") {
            releasedAt = new Date(sleptUntil);
            break;
          }
          if (next.next === "done") return { result: "ended", status: next.status, reason: next.reason ?? null };
          until = next.until;
        }
      }
      throw new NonRetriableError(`message ${messageId}: not sent after ${MAX_PASSES} claims (send pacer overloaded, or held again each time)`);
    },
  );
}

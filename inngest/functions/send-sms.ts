import { NonRetriableError, type Inngest } from "inngest";
import { sendSmsJob, smsCancelledEvent } from "@/server/jobs/definitions";
import type { SmsPipelineDeps } from "@/server/sms/app-pipeline-deps";
import { priorityRunExpression } from "@/server/sms/categories";
import { advanceMessage, decisionTime, failHeldMessage, type NextStep } from "@/server/sms/send-pipeline";
import { systemContext } from "@/server/service-context";
import { parseOrStop } from "./job-payload";

/**
 * Decisions per message before we give up: each wait (its send time, quiet hours, quiet hours
 * again after a preference change) is one. Far more than any real text needs; it only stops a
 * run that would otherwise loop on a bug.
 */
const MAX_DECISIONS = 50;

/**
 * Holds one requested text until it may go, then hands it to dispatch. Thin: every decision,
 * write and the hand-off event is `advanceMessage` (server/sms/send-pipeline.ts), inside a step.
 * Between decisions the run sleeps durably (`hold-N`), and decides again on waking. Two calls
 * from the engine for a text that can go at once: the decision, then the run's end.
 *
 * No throttle here: a throttle applies when a run starts, and a run that starts now may send
 * hours later. The cap sits on dispatch-message, the run that sends. A cancel event for the
 * message stops this run wherever it is (cancelOn); the service's conditional writes and
 * dispatch's claim cover a cancel that races a wake-up.
 */
export function createSendSmsFunction(client: Inngest, deps: () => SmsPipelineDeps) {
  return client.createFunction(
    {
      id: sendSmsJob.id,
      triggers: [{ event: sendSmsJob.eventName }],
      // Urgent texts go first here too: a thousand texts waking at 08:00 queue for the engine.
      priority: { run: priorityRunExpression() },
      cancelOn: [{ event: smsCancelledEvent.eventName, match: "data.messageId" }],
      // A run that fails for good must not leave its text pending or scheduled for ever.
      onFailure: async ({ event, error }) => {
        const parsed = sendSmsJob.schema.safeParse(event.data.event.data);
        if (!parsed.success) return;
        const { db, jobs } = deps();
        await failHeldMessage(systemContext(db, jobs, sendSmsJob.id), parsed.data.messageId, error.message);
      },
    },
    async ({ event, step }) => {
      const { messageId } = parseOrStop(sendSmsJob, event.data);
      let wokeFrom: string | null = null;
      for (let turn = 0; turn < MAX_DECISIONS; turn++) {
        const sleptUntil: string | null = wokeFrom;
        const next: NextStep = await step.run(`decide-${turn}`, (): Promise<NextStep> => {
          const { db, jobs, now } = deps();
          return advanceMessage(systemContext(db, jobs, sendSmsJob.id), messageId, decisionTime(now?.() ?? new Date(), sleptUntil));
        });
        if (next.next === "wait") {
          await step.sleepUntil(`hold-${turn}`, next.until);
          wokeFrom = next.until;
          continue;
        }
        return { status: next.status, reason: next.reason ?? null };
      }
      throw new NonRetriableError(`message ${messageId}: no decision after ${MAX_DECISIONS} turns`);
    },
  );
}

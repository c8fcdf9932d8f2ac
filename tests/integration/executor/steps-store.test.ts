import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/local/inngest-executor/store/db";
import { getStep, memoizeStep, putPendingStep, recordStepAttemptError } from "@/local/inngest-executor/store/steps";
import { executorStorages, type PreparedStorage } from "./harness";

// The steps store on its own: a step's record follows the ops the SDK reported for it, so the run
// view never shows the op of a failed attempt for a step that went on to succeed.

describe.each(executorStorages())("the steps store on $name", (storage) => {
  let prepared: PreparedStorage;
  let db: Database;
  const now = Date.parse("2030-01-01T00:00:00.000Z");

  beforeAll(async () => {
    prepared = await storage.prepare();
    const { dataDir = "", databaseUrl, databaseSchema } = prepared.options;
    db = await openDatabase({ dataDir, databaseUrl, schema: databaseSchema });
  });
  afterAll(async () => {
    await db?.close();
    await prepared?.cleanup();
  });

  const boom = (n: number) => ({ name: "Error", message: `boom ${n}` });

  it("records the success op once a retried step succeeds", async () => {
    const step = { runId: "run-retried", stepId: "s1", name: "flaky" };
    await recordStepAttemptError(db, { ...step, op: "StepError" }, boom(1), now);
    await recordStepAttemptError(db, { ...step, op: "StepError" }, boom(2), now + 1);
    expect(await getStep(db, step.runId, step.stepId)).toMatchObject({ op: "StepError", status: "planned", attempts: 2 });

    await memoizeStep(db, { ...step, op: "StepRun", memo: { data: "ok" }, countsAsAttempt: true }, now + 2);
    expect(await getStep(db, step.runId, step.stepId)).toMatchObject({
      op: "StepRun",
      status: "completed",
      memo: { data: "ok" },
      attempts: 3,
      lastError: boom(2), // kept: it says why the earlier attempts failed
      completionSeq: 1,
    });
  });

  it("records StepFailed when the last attempt fails, and StepError again after a planned step fails", async () => {
    const failed = { runId: "run-failed", stepId: "s1", name: "doomed" };
    await recordStepAttemptError(db, { ...failed, op: "StepError" }, boom(1), now);
    await memoizeStep(db, { ...failed, op: "StepFailed", memo: { error: boom(2) }, countsAsAttempt: true }, now + 1);
    expect(await getStep(db, failed.runId, failed.stepId)).toMatchObject({ op: "StepFailed", status: "failed", attempts: 2 });

    const planned = { runId: "run-planned", stepId: "p1", name: "parallel" };
    await putPendingStep(db, { ...planned, op: "StepPlanned", status: "planned" }, now);
    await recordStepAttemptError(db, { ...planned, op: "StepError" }, boom(1), now + 1);
    expect(await getStep(db, planned.runId, planned.stepId)).toMatchObject({ op: "StepError", status: "planned", attempts: 1 });
  });
});

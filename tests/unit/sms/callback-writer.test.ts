import { describe, expect, it } from "vitest";
import { CallbackWriter, type WriterRow } from "@/server/sms/callback-writer";

interface Row extends WriterRow {
  bad?: boolean;
}

/** A statement that records each batch and the writer's backlog, answering when `release` is called. */
function gatedStatement() {
  const batches: string[][] = [];
  const backlogs: { queued: number; waiting: number }[] = [];
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => (open = resolve));
  let writer: CallbackWriter<Row, string> | undefined;
  let called: () => void = () => {};
  const firstCall = new Promise<void>((resolve) => (called = resolve));
  const statement = async (rows: Row[]) => {
    batches.push(rows.map((r) => r.sid));
    backlogs.push(writer!.backlog());
    called();
    await gate;
    if (rows.some((r) => r.bad)) throw new Error("bad row");
    return rows.map((r) => `done ${r.sid}`);
  };
  return {
    batches,
    backlogs,
    firstCall,
    attach: (w: CallbackWriter<Row, string>) => (writer = w),
    release() {
      open();
      gate = Promise.resolve();
    },
    statement,
  };
}

const row = (sid: string, extra: Partial<Row> = {}): Row => ({ sid, message_id: null, ...extra });

describe("CallbackWriter (group commit for status reports)", () => {
  it("holds at most maxQueued reports in its queue; the rest wait in arrival order and none is lost", async () => {
    const s = gatedStatement();
    const writer = s.attach(new CallbackWriter(s.statement, { maxBatch: 4, maxQueued: 8 }));
    const sids = Array.from({ length: 24 }, (_, i) => `SM${i}`);
    const outcomes = Promise.all(sids.map((sid) => writer.submit(row(sid))));

    await s.firstCall;
    // The first batch took 4; 4 of the waiting moved up to fill the queue to its bound again.
    expect(s.batches[0]).toEqual(["SM0", "SM1", "SM2", "SM3"]);
    expect(writer.backlog()).toEqual({ queued: 8, waiting: 12 });

    s.release();
    expect(await outcomes).toEqual(sids.map((sid) => `done ${sid}`));
    expect(s.batches.flat()).toEqual(sids); // every report once, oldest first
    expect(Math.max(...s.backlogs.map((b) => b.queued))).toBeLessThanOrEqual(8);
    expect(writer.backlog()).toEqual({ queued: 0, waiting: 0 });
  });

  it("never puts two reports that could reach the same message in one batch", async () => {
    const s = gatedStatement();
    const writer = s.attach(new CallbackWriter(s.statement, { maxBatch: 64, maxQueued: 64 }));
    s.release();
    await Promise.all([
      writer.submit(row("SMa")),
      writer.submit(row("SMa")),
      writer.submit(row("SMb", { message_id: "m1" })),
      writer.submit(row("SMc", { message_id: "m1" })),
    ]);
    expect(s.batches).toEqual([
      ["SMa", "SMb"],
      ["SMa", "SMc"],
    ]);
  });

  it("runs a failed batch one by one, so only the bad report fails", async () => {
    const s = gatedStatement();
    const writer = s.attach(new CallbackWriter(s.statement, { maxBatch: 64, maxQueued: 64 }));
    s.release();
    const results = await Promise.allSettled([writer.submit(row("SM1")), writer.submit(row("SM2", { bad: true })), writer.submit(row("SM3"))]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["done SM1", "bad row", "done SM3"]);
  });
});

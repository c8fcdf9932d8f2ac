import { NonRetriableError } from "inngest";
import { describe, expect, it } from "vitest";
import { parseOrStop } from "@/inngest/functions/job-payload";
import { dispatchMessageJob, sendSmsJob } from "@/server/jobs/definitions";

describe("parseOrStop (a job's payload read in its function)", () => {
  const messageId = "0b9a6f3e-8f0c-4a55-9d1e-2f1b9c3a7d10";

  it("answers the parsed data of a payload that matches the job's schema", () => {
    expect(parseOrStop(sendSmsJob, { messageId, priority: "urgent" })).toEqual({ messageId, priority: "urgent" });
    expect(parseOrStop(dispatchMessageJob, { messageId })).toMatchObject({ messageId });
  });

  it("stops the run (no retry) on a payload that does not match", () => {
    expect(() => parseOrStop(sendSmsJob, { messageId: "not-a-uuid" })).toThrow(NonRetriableError);
    expect(() => parseOrStop(dispatchMessageJob, {})).toThrow(NonRetriableError);
  });

  it("leaves any other failure as it is", () => {
    const broken = {
      parse(): never {
        throw new TypeError("boom");
      },
    };
    expect(() => parseOrStop(broken, {})).toThrow(TypeError);
  });
});

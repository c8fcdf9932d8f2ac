import { describe, expect, it } from "vitest";
import { preferencesUpdateSchema } from "@/server/preferences/schema";
import { taskCreateSchema } from "@/server/tasks/schema";

const fieldErrors = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((result.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));

describe("preferences input", () => {
  it("accepts a partial update", () => {
    expect(preferencesUpdateSchema.parse({ dailyCap: 5, timeZone: "Europe/Berlin" })).toEqual({ dailyCap: 5, timeZone: "Europe/Berlin" });
  });

  it("explains each bad field", () => {
    const result = preferencesUpdateSchema.safeParse({ dailyCap: 51, timeZone: "Mars/Base", quietHoursStart: "9pm" });
    expect(fieldErrors(result)).toEqual({
      dailyCap: "Daily limit can be at most 50",
      timeZone: "Time zone must be one from the list, such as America/Chicago",
      quietHoursStart: "Quiet hours start must be a time such as 21:30",
    });
  });

  it("refuses fields only the server may write", () => {
    for (const field of ["phone", "phoneVerifiedAt", "optedOutAt", "userId"]) {
      expect(preferencesUpdateSchema.safeParse({ [field]: null }).success, field).toBe(false);
    }
  });
});

describe("task input", () => {
  it("trims the title and defaults nothing it should not", () => {
    expect(taskCreateSchema.parse({ title: "  Ship it  " })).toEqual({ title: "Ship it" });
  });

  it("refuses a blank title and an owner from the client", () => {
    expect(fieldErrors(taskCreateSchema.safeParse({ title: "   " }))).toEqual({ title: "Give the task a title" });
    expect(taskCreateSchema.safeParse({ title: "x", userId: "someone-else" }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { createClock } from "@/local/inngest-executor/clock";
import { eventIdsFromSeed, parseEventIdSeed, ulid } from "@/local/inngest-executor/ids";
import { defaultRetryBackoffMs, parseDurationMs, parseRetryAfter, sleepWakeAt } from "@/local/inngest-executor/time";

describe("ids", () => {
  it("encodes ULIDs as 26 Crockford base32 characters with the time first", () => {
    expect(ulid(0, 0n)).toBe("00000000000000000000000000");
    const id = ulid(1_795_592_546_022, 12345n);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ulid(1_795_592_546_023, 0n) > ulid(1_795_592_546_022, 2n ** 79n)).toBe(true);
  });

  it("derives the same distinct ids from the SDK's event id seed", () => {
    const seed = `1795592546022,${Buffer.from("0123456789").toString("base64")}`;
    const first = eventIdsFromSeed(seed, 3, Date.now());
    expect(eventIdsFromSeed(seed, 3, Date.now())).toEqual(first);
    expect(new Set(first).size).toBe(3);
    expect(first[0]?.slice(0, 10)).toBe(ulid(1_795_592_546_022, 0n).slice(0, 10));
  });

  it("falls back to random ids without a usable seed", () => {
    expect(parseEventIdSeed("garbage")).toBeNull();
    expect(parseEventIdSeed("123,c2hvcnQ=")).toBeNull(); // not 10 bytes
    const [a] = eventIdsFromSeed(null, 1, 1_000);
    const [b] = eventIdsFromSeed(null, 1, 1_000);
    expect(a).not.toBe(b);
  });
});

describe("time", () => {
  it("parses Inngest duration strings", () => {
    expect(parseDurationMs("2s")).toBe(2_000);
    expect(parseDurationMs("1h30m")).toBe(5_400_000);
    expect(parseDurationMs("1d")).toBe(86_400_000);
    expect(parseDurationMs("500ms")).toBe(500);
    expect(parseDurationMs("1w")).toBe(604_800_000);
    expect(parseDurationMs("soon")).toBeNull();
    expect(parseDurationMs("2026-01-01T00:00:00Z")).toBeNull();
  });

  it("reads a sleep target as a duration or an ISO date", () => {
    expect(sleepWakeAt("2s", 1_000)).toBe(3_000);
    expect(sleepWakeAt("2030-01-01T00:00:00.000Z", 0)).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    expect(sleepWakeAt("whenever", 0)).toBeNull();
  });

  it("reads Retry-After as seconds or a date, never in the past", () => {
    expect(parseRetryAfter("30", 1_000)).toBe(31_000);
    expect(parseRetryAfter("2030-01-01T00:00:00.000Z", 0)).toBe(Date.parse("2030-01-01T00:00:00.000Z"));
    const now = Date.parse("2026-01-01T00:00:00.000Z");
    expect(parseRetryAfter("2000-01-01T00:00:00.000Z", now)).toBe(now);
    expect(parseRetryAfter(null, 0)).toBeNull();
    expect(parseRetryAfter("later", 0)).toBeNull();
  });

  it("backs off exponentially up to a minute", () => {
    expect([1, 2, 3, 4].map(defaultRetryBackoffMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(defaultRetryBackoffMs(20)).toBe(60_000);
  });
});

describe("clock", () => {
  it("moves forward only and notifies listeners", () => {
    let real = 1_000;
    const clock = createClock({ realNow: () => real });
    let notified = 0;
    clock.onChange(() => notified++);
    expect(clock.advance(500)).toBe(1_500);
    real = 2_000;
    expect(clock.now()).toBe(2_500);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    clock.setOffset(10);
    expect([clock.now(), clock.offsetMs(), notified]).toEqual([2_010, 10, 2]);
  });
});

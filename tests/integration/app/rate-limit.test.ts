import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { consumeRateLimit, rateLimitKey, resetRateLimit } from "@/server/rate-limit";
import { testDatabases } from "../../helpers/test-db";

describe.each(testDatabases())("database rate limits on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  const rule = { max: 3, windowSeconds: 60 };
  const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 12, 0, 0) + seconds * 1000);

  it("allows max hits per window from the first hit, then says how long to wait", async () => {
    const key = rateLimitKey("test:window", "203.0.113.9");
    expect((await consumeRateLimit(handle.db, key, rule, at(50))).allowed).toBe(true);
    expect((await consumeRateLimit(handle.db, key, rule, at(55))).allowed).toBe(true);
    // A clock-aligned window would have started again at 60 s.
    expect((await consumeRateLimit(handle.db, key, rule, at(61))).allowed).toBe(true);
    expect(await consumeRateLimit(handle.db, key, rule, at(70))).toEqual({ allowed: false, count: 4, retryAfterSeconds: 40 });
    expect((await consumeRateLimit(handle.db, key, rule, at(110))).allowed).toBe(true);
  });

  it("counts hits from concurrent requests exactly", async () => {
    const key = rateLimitKey("test:race", "198.51.100.7");
    const decisions = await Promise.all(Array.from({ length: 10 }, () => consumeRateLimit(handle.db, key, rule, at(0))));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
  });

  it("forgets a key on reset, and keeps keys apart", async () => {
    const a = rateLimitKey("test:reset", "a@example.test");
    const b = rateLimitKey("test:reset", "b@example.test");
    for (let i = 0; i < 4; i++) await consumeRateLimit(handle.db, a, rule, at(0));
    expect((await consumeRateLimit(handle.db, b, rule, at(1))).allowed).toBe(true);
    expect((await consumeRateLimit(handle.db, a, rule, at(1))).allowed).toBe(false);
    await resetRateLimit(handle.db, a);
    expect((await consumeRateLimit(handle.db, a, rule, at(2))).allowed).toBe(true);
    expect(a).not.toContain("a@example.test");
  });
});

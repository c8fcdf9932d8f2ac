import { createHash } from "node:crypto";
import { eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rateLimitBuckets } from "@/db/schema";

/**
 * Rate limits kept in the database, so every app instance counts against the same buckets
 * (sign-in per client, failed sign-ins per account, and next the phone verification limits per
 * user, number and address). One row per key: its window starts at the key's first hit and
 * allows `max` hits; the first hit after the window has passed starts a new one. (Windows
 * aligned to the clock would let a burst straddling a boundary through twice.)
 */
export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}

export type RateLimitDecision =
  | { allowed: true; count: number }
  | { allowed: false; count: number; retryAfterSeconds: number };

/**
 * The bucket key for a subject (an address, an email, a phone number) within a scope. The
 * subject is hashed: the table never holds an email or a number, and every key has one length.
 */
export function rateLimitKey(scope: string, subject: string): string {
  return `${scope}:${createHash("sha256").update(subject).digest("base64url").slice(0, 32)}`;
}

/** Counts one hit against `key` and says whether it is within the rule (atomic across instances). */
export async function consumeRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitDecision> {
  const windowMs = rule.windowSeconds * 1000;
  // Times go in as ISO strings with casts: postgres.js passes raw-SQL parameters unserialized.
  const expired = sql`${rateLimitBuckets.windowStart} <= ${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateLimitBuckets)
    .values({ key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimitBuckets.key,
      set: {
        windowStart: sql`case when ${expired} then ${now.toISOString()}::timestamptz else ${rateLimitBuckets.windowStart} end`,
        count: sql`case when ${expired} then 1 else ${rateLimitBuckets.count} + 1 end`,
      },
    })
    .returning({ count: rateLimitBuckets.count, windowStart: rateLimitBuckets.windowStart });
  await pruneExpired(db, now);
  const count = row?.count ?? 1;
  if (count <= rule.max) return { allowed: true, count };
  const windowEnds = (row?.windowStart ?? now).getTime() + windowMs;
  return { allowed: false, count, retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)) };
}

/** Forgets `key` (after a successful sign-in, the account's failures no longer count). */
export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.delete(rateLimitBuckets).where(eq(rateLimitBuckets.key, key));
}

/** No rule here spans more than a day: older rows are deleted, at most once a minute per process. */
const KEEP_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;
const lastPrune = new WeakMap<Db, number>();

async function pruneExpired(db: Db, now: Date) {
  const last = lastPrune.get(db) ?? 0;
  if (now.getTime() - last < PRUNE_EVERY_MS) return;
  lastPrune.set(db, now.getTime());
  await db.delete(rateLimitBuckets).where(lt(rateLimitBuckets.windowStart, new Date(now.getTime() - KEEP_MS)));
}

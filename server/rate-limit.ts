import { createHash } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rateLimitBuckets } from "@/db/schema";

/**
 * Fixed-window rate limits kept in the database, so every app instance counts against the same
 * buckets (sign-in per client, failed sign-ins per account, and next the phone verification
 * limits per user, number and address). A window allows `max` hits; a burst across a window
 * boundary can reach twice that, which is the price of one row per key and window.
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

function windowStartOf(now: Date, windowSeconds: number): Date {
  const windowMs = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/** Counts one hit against `key` and says whether it is within the rule (atomic across instances). */
export async function consumeRateLimit(db: Db, key: string, rule: RateLimitRule, now = new Date()): Promise<RateLimitDecision> {
  const windowStart = windowStartOf(now, rule.windowSeconds);
  const [row] = await db
    .insert(rateLimitBuckets)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimitBuckets.key, rateLimitBuckets.windowStart],
      set: { count: sql`${rateLimitBuckets.count} + 1` },
    })
    .returning({ count: rateLimitBuckets.count });
  await pruneExpired(db, now);
  const count = row?.count ?? 1;
  if (count <= rule.max) return { allowed: true, count };
  const windowEnds = windowStart.getTime() + rule.windowSeconds * 1000;
  return { allowed: false, count, retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)) };
}

/** Forgets every window of `key` (after a successful sign-in, the account's failures no longer count). */
export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.delete(rateLimitBuckets).where(eq(rateLimitBuckets.key, key));
}

/** No rule here spans more than a day: older windows are deleted, at most once a minute per process. */
const KEEP_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;
const lastPrune = new WeakMap<Db, number>();

async function pruneExpired(db: Db, now: Date) {
  const last = lastPrune.get(db) ?? 0;
  if (now.getTime() - last < PRUNE_EVERY_MS) return;
  lastPrune.set(db, now.getTime());
  await db.delete(rateLimitBuckets).where(and(lt(rateLimitBuckets.windowStart, new Date(now.getTime() - KEEP_MS))));
}

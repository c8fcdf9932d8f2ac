import { and, eq, isNull } from "drizzle-orm";
import { userSmsPreferences } from "@/db/schema";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import type { PreferencesUpdate } from "./schema";

export type Preferences = typeof userSmsPreferences.$inferSelect;

/** The acting user's preferences; the row is created with defaults on first read. */
export async function getPreferences({ db, actor }: ServiceContext<UserActor>): Promise<Preferences> {
  const { userId } = actor;
  const existing = await db.query.userSmsPreferences.findFirst({ where: eq(userSmsPreferences.userId, userId) });
  if (existing) return existing;
  const [created] = await db.insert(userSmsPreferences).values({ userId }).onConflictDoNothing().returning();
  return created ?? (await db.query.userSmsPreferences.findFirst({ where: eq(userSmsPreferences.userId, userId) }))!;
}

export async function updatePreferences(ctx: ServiceContext<UserActor>, update: PreferencesUpdate): Promise<Preferences> {
  const { db, actor } = ctx;
  const current = await getPreferences(ctx);
  const start = update.quietHoursStart ?? current.quietHoursStart;
  const end = update.quietHoursEnd ?? current.quietHoursEnd;
  if (start === end) {
    throw new DomainError("BAD_REQUEST", "Quiet hours end must differ from quiet hours start", { field: "quietHoursEnd" });
  }
  const now = new Date();
  const [updated] = await db
    .update(userSmsPreferences)
    .set({ ...update, ...(update.timeZone ? { timeZoneSetAt: now } : {}), updatedAt: now })
    .where(eq(userSmsPreferences.userId, actor.userId))
    .returning();
  if (!updated) throw new DomainError("NOT_FOUND", "Preferences not found");
  return updated;
}

/**
 * The browser's zone, on the first visit only: the column default is a placeholder until the
 * user's own zone is known, and a zone the user chose is never replaced by a detected one.
 */
export async function adoptDetectedTimeZone(ctx: ServiceContext<UserActor>, timeZone: string): Promise<Preferences> {
  await getPreferences(ctx);
  const now = new Date();
  await ctx.db
    .update(userSmsPreferences)
    .set({ timeZone, timeZoneSetAt: now, updatedAt: now })
    .where(and(eq(userSmsPreferences.userId, ctx.actor.userId), isNull(userSmsPreferences.timeZoneSetAt)));
  return getPreferences(ctx);
}

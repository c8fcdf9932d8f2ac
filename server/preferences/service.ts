import { eq, sql } from "drizzle-orm";
import { preparedQuery, type DbOrTx } from "@/db/client";
import { userSmsPreferences } from "@/db/schema";
import type { Actor } from "../actor";
import { DomainError } from "../errors";
import type { PreferencesUpdate } from "./schema";

export type Preferences = typeof userSmsPreferences.$inferSelect;

function assertMayAccess(actor: Actor, userId: string) {
  if (actor.type === "user" && actor.userId !== userId) {
    throw new DomainError("NOT_FOUND", "Preferences not found");
  }
}

const preferencesRow = preparedQuery((db) =>
  db.query.userSmsPreferences
    .findFirst({ where: eq(userSmsPreferences.userId, sql.placeholder("userId")) })
    .prepare("preferences_row"),
);

/** A user's preferences; the row is created with defaults on first read. */
export async function getPreferences(db: DbOrTx, actor: Actor, userId: string): Promise<Preferences> {
  assertMayAccess(actor, userId);
  const existing = await preferencesRow(db).execute({ userId });
  if (existing) return existing;
  const [created] = await db.insert(userSmsPreferences).values({ userId }).onConflictDoNothing().returning();
  return created ?? (await preferencesRow(db).execute({ userId }))!;
}

export async function updatePreferences(
  db: DbOrTx,
  actor: Actor,
  userId: string,
  update: PreferencesUpdate,
): Promise<Preferences> {
  const current = await getPreferences(db, actor, userId);
  const start = update.quietHoursStart ?? current.quietHoursStart;
  const end = update.quietHoursEnd ?? current.quietHoursEnd;
  if (start === end) {
    throw new DomainError("BAD_REQUEST", "Quiet hours must end at a different time than they start", {
      field: "quietHoursEnd",
    });
  }
  const [updated] = await db
    .update(userSmsPreferences)
    .set({ ...update, updatedAt: new Date() })
    .where(eq(userSmsPreferences.userId, userId))
    .returning();
  if (!updated) throw new DomainError("NOT_FOUND", "Preferences not found");
  return updated;
}

import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { tasks, userSmsPreferences } from "@/db/schema";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";
import { createVerifiedUser } from "./sms";

/** The templates the crons send (all defaults, as the app seeds them at start). */
export async function seedTemplates(db: DbOrTx) {
  for (const template of DEFAULT_TEMPLATES) await ensureTemplate(db, template);
}

let phoneSequence = 0;
/** A distinct valid test number (+1 555 01xx xxxx range) per call. */
export const nextPhone = () => `+1555${(1_000_000 + phoneSequence++).toString().slice(-7)}`;

/** A verified user with the given preferences (zone, brief, lead time ...). */
export async function userWith(db: DbOrTx, preferences: Partial<typeof userSmsPreferences.$inferInsert> = {}) {
  const user = await createVerifiedUser(db, nextPhone());
  if (Object.keys(preferences).length > 0) {
    await db.update(userSmsPreferences).set(preferences).where(eq(userSmsPreferences.userId, user.id));
  }
  return user;
}

export async function addTask(db: DbOrTx, userId: string, task: Partial<typeof tasks.$inferInsert> & { title: string }) {
  const [row] = await db.insert(tasks).values({ userId, ...task }).returning();
  return row!;
}

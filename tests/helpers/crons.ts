import type { DbOrTx } from "@/db/client";
import { tasks, type userSmsPreferences } from "@/db/schema";
import { createSmsUser } from "./sms";

export { seedTemplates } from "./sms";

let phoneSequence = 0;
/** A distinct valid test number (+1 555 1xx xxxx) per call. */
export const nextPhone = () => `+1555${(1_000_000 + phoneSequence++).toString().slice(-7)}`;

/** A verified user with its own number and the given preferences (zone, brief, lead time …). */
export async function userWith(db: DbOrTx, preferences: Partial<typeof userSmsPreferences.$inferInsert> = {}) {
  const phone = nextPhone();
  return { ...(await createSmsUser(db, phone, preferences)), phone };
}

export async function addTask(db: DbOrTx, userId: string, task: Partial<typeof tasks.$inferInsert> & { title: string }) {
  const [row] = await db.insert(tasks).values({ userId, ...task }).returning();
  return row!;
}

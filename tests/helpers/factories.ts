import { randomUUID } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import { eq } from "drizzle-orm";
import { smsMessages, userSmsPreferences, users } from "@/db/schema";

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}`;

export async function createUser(db: DbOrTx, overrides: Partial<typeof users.$inferInsert> = {}) {
  const id = overrides.id ?? randomUUID();
  const [user] = await db
    .insert(users)
    .values({ id, email: `user-${unique()}@example.test`, name: "Test User", ...overrides })
    .returning();
  return user!;
}

/**
 * A message row as a request would leave it: when the user has verified the number it goes to, it
 * carries that verification's time (what the send decision compares, at every turn and at the
 * claim), unless the test sets one.
 */
export async function createMessage(db: DbOrTx, userId: string, overrides: Partial<typeof smsMessages.$inferInsert> = {}) {
  const to = overrides.to === undefined ? "+15555550100" : overrides.to;
  const [preferences] = await db
    .select({ phone: userSmsPreferences.phone, phoneVerifiedAt: userSmsPreferences.phoneVerifiedAt })
    .from(userSmsPreferences)
    .where(eq(userSmsPreferences.userId, userId));
  const phoneVerifiedAt = preferences && preferences.phone === to ? preferences.phoneVerifiedAt : null;
  const [message] = await db
    .insert(smsMessages)
    .values({
      userId,
      to,
      phoneVerifiedAt,
      body: `Test message ${unique()}`,
      category: "task_reminders",
      dedupeKey: `test:${unique()}`,
      ...overrides,
    })
    .returning();
  return message!;
}

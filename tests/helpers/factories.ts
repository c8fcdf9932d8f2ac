import { randomUUID } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import { smsMessages, users } from "@/db/schema";

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

export async function createMessage(db: DbOrTx, userId: string, overrides: Partial<typeof smsMessages.$inferInsert> = {}) {
  const [message] = await db
    .insert(smsMessages)
    .values({
      userId,
      to: "+15555550100",
      body: `Test message ${unique()}`,
      category: "task_reminders",
      dedupeKey: `test:${unique()}`,
      ...overrides,
    })
    .returning();
  return message!;
}

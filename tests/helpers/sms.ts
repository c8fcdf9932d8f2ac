import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { userSmsPreferences } from "@/db/schema";
import { SANDBOX_MESSAGING_SERVICE_SID, SANDBOX_VERIFY_SERVICE_SID } from "@/local/twilio-sandbox/credentials";
import { createTwilioProvider } from "@/server/sms/provider";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";
import { createUser } from "./factories";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "./sandbox-account";

export function sandboxProvider(sandboxUrl = "http://127.0.0.1:1") {
  return createTwilioProvider({
    accountSid: SANDBOX_ACCOUNT_SID,
    authToken: SANDBOX_AUTH_TOKEN,
    messagingServiceSid: SANDBOX_MESSAGING_SERVICE_SID,
    verifyServiceSid: SANDBOX_VERIFY_SERVICE_SID,
    sandboxUrl,
    timeoutMs: 2_000,
  });
}

/**
 * A user whose phone the server has verified, with quiet hours off: a text may go at whatever hour
 * the test runs (dispatch decides again at the moment of sending, quiet hours included).
 */
export async function createVerifiedUser(db: DbOrTx, phone: string) {
  const user = await createUser(db);
  await db.insert(userSmsPreferences).values({ userId: user.id, phone, phoneVerifiedAt: new Date(), quietHoursEnabled: false });
  return user;
}

export async function preferencesOf(db: DbOrTx, userId: string) {
  const [row] = await db.select().from(userSmsPreferences).where(eq(userSmsPreferences.userId, userId));
  return row!;
}

/** The default templates, as the app seeds them. */
export async function seedTemplates(db: DbOrTx) {
  for (const template of DEFAULT_TEMPLATES) await ensureTemplate(db, template);
}

/** A user with a verified phone and the given preferences (quiet hours default 21:00–08:00 New York). */
export async function createSmsUser(
  db: DbOrTx,
  phone: string,
  preferences: Partial<typeof userSmsPreferences.$inferInsert> = {},
) {
  const user = await createUser(db);
  await db.insert(userSmsPreferences).values({ userId: user.id, phone, phoneVerifiedAt: new Date(), ...preferences });
  return user;
}

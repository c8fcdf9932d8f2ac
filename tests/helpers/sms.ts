import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { userSmsPreferences } from "@/db/schema";
import { SANDBOX_MESSAGING_SERVICE_SID, SANDBOX_VERIFY_SERVICE_SID } from "@/local/twilio-sandbox/credentials";
import { createTwilioProvider } from "@/server/sms/provider";
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

/** A user whose phone the server has verified. */
export async function createVerifiedUser(db: DbOrTx, phone: string) {
  const user = await createUser(db);
  await db.insert(userSmsPreferences).values({ userId: user.id, phone, phoneVerifiedAt: new Date() });
  return user;
}

export async function preferencesOf(db: DbOrTx, userId: string) {
  const [row] = await db.select().from(userSmsPreferences).where(eq(userSmsPreferences.userId, userId));
  return row!;
}

import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js/max";
import { userSmsPreferences } from "@/db/schema";
import { VERIFICATION_CODE_PATTERN, VERIFY_CODE_TTL_SECONDS, RESEND_CODE_AFTER_SECONDS } from "@/common/limits";
import { DomainError } from "../errors";
import { getPreferences, type Preferences } from "../preferences/service";
import type { ServiceContext, UserActor } from "../service-context";
import { ProviderError, verifyRefusalOf, type SmsProvider } from "../sms/provider";
import { sendOptInConfirmation } from "./opt-in-confirmation";
import { limitCodeCheck, limitCodeSend, tooManyRequests, type VerificationLimits } from "./limits";
import { checkPhoneNumber } from "./phone-number";
import { smsStatusOf, verificationExpiresAt, type TextingStatus } from "./texting-status";
import { recordOptChanges } from "../sms/opt-changes";

export interface VerificationDeps {
  verifier: Pick<SmsProvider, "startVerification" | "checkVerification">;
  allowedCountries: readonly CountryCode[];
  limits: VerificationLimits;
  /** The believed client address (server/http/client-address.ts), or null. */
  clientAddress: string | null;
  /** SMS_PROGRAM_NAME: the opt-in confirmation names the program. */
  programName: string;
  now: () => Date;
}



export async function getSmsStatus(ctx: ServiceContext<UserActor>, deps: Pick<VerificationDeps, "now">): Promise<TextingStatus> {
  return smsStatusOf(await getPreferences(ctx), deps.now());
}

/**
 * Sends a verification code to the number the user typed. The number is checked first (format,
 * allowed country, textable type) and the rate limits counted before Twilio is asked. Only once
 * Twilio has accepted does the number replace the stored one, unverified: from then on nothing
 * goes to the old number (texts already requested for it are skipped by the pipeline).
 */
export async function startPhoneVerification(
  ctx: ServiceContext<UserActor>,
  deps: VerificationDeps,
  input: { phone: string; country: string },
): Promise<TextingStatus> {
  const checked = checkPhoneNumber(input, deps.allowedCountries);
  if (!checked.ok) throw new DomainError("BAD_REQUEST", checked.message, { field: checked.field });
  const prefs = await getPreferences(ctx);
  const now = deps.now();
  if (prefs.phone === checked.e164 && prefs.phoneVerifiedAt) {
    throw new DomainError("CONFLICT", "This phone number is already verified.", { field: "phone" });
  }
  if (prefs.codeSentAt) {
    const wait = prefs.codeSentAt.getTime() + RESEND_CODE_AFTER_SECONDS * 1000 - now.getTime();
    if (wait > 0) throw tooManyRequests((w) => `We just sent a code. You can ask for a new one in ${w}.`, wait / 1000, "phone");
  }
  await limitCodeSend(ctx.db, deps.limits, { userId: ctx.actor.userId, phone: checked.e164, clientAddress: deps.clientAddress }, now);

  const live = prefs.phone === checked.e164 ? verificationExpiresAt(prefs, now) : null;
  try {
    await deps.verifier.startVerification(checked.e164);
  } catch (error) {
    throw verifyStartError(error, live, now);
  }
  const [updated] = await ctx.db
    .update(userSmsPreferences)
    .set({
      phone: checked.e164,
      phoneVerifiedAt: null,
      // A repeat send within a live verification is the same verification (same code, same expiry).
      verificationStartedAt: live ? prefs.verificationStartedAt : now,
      codeSentAt: now,
      updatedAt: now,
    })
    .where(eq(userSmsPreferences.userId, ctx.actor.userId))
    .returning();
  return smsStatusOf(updated!, now);
}

/**
 * Checks a code with Twilio Verify. Only an approval marks the number verified, and only the
 * number the code was sent to (a number changed meanwhile stays unverified). A verified number
 * gets the opt-in confirmation, unless the user has stopped texts.
 */
export async function checkPhoneVerification(ctx: ServiceContext<UserActor>, deps: VerificationDeps, input: { code: string }): Promise<TextingStatus> {
  const code = input.code.replace(/\s/g, "");
  if (!VERIFICATION_CODE_PATTERN.test(code)) {
    throw new DomainError("BAD_REQUEST", "Enter the code from the text: 4 to 10 digits", { field: "code" });
  }
  const prefs = await getPreferences(ctx);
  const now = deps.now();
  if (!prefs.phone || prefs.phoneVerifiedAt) {
    throw new DomainError("PRECONDITION_FAILED", "Send a code to your phone number first.", { field: "code" });
  }
  if (!verificationExpiresAt(prefs, now)) throw expiredCode();
  await limitCodeCheck(ctx.db, deps.limits, ctx.actor.userId, now);

  const result = await deps.verifier.checkVerification(prefs.phone, code);
  if (result.status === "max_attempts_reached") throw tooManyWrongCodes(prefs, now);
  if (!result.approved) {
    if (result.status === "pending") throw new DomainError("BAD_REQUEST", "That code is not right. Check the latest text and try again.", { field: "code" });
    await clearVerification(ctx, prefs.phone, now);
    throw expiredCode();
  }

  const [verified] = await ctx.db
    .update(userSmsPreferences)
    .set({ phoneVerifiedAt: now, verificationStartedAt: null, codeSentAt: null, updatedAt: now })
    .where(
      and(
        eq(userSmsPreferences.userId, ctx.actor.userId),
        eq(userSmsPreferences.phone, prefs.phone),
        isNull(userSmsPreferences.phoneVerifiedAt),
      ),
    )
    .returning();
  if (!verified) throw new DomainError("CONFLICT", "Your phone number changed while this code was checked. Send a new code.", { field: "code" });
  if (!verified.optedOutAt) {
    await sendOptInConfirmation(ctx, {
      programName: deps.programName,
      preferences: verified,
      dedupeKey: `welcome_sms:${ctx.actor.userId}:verified:${now.toISOString()}`,
    });
  }
  return smsStatusOf(verified, now);
}

/** Stops every text to the user (source `settings`); their number stays verified for opting back in. */
export async function optOutOfTexts(ctx: ServiceContext<UserActor>, deps: Pick<VerificationDeps, "now">): Promise<TextingStatus> {
  const now = deps.now();
  await getPreferences(ctx);
  await ctx.db.transaction(async (tx) => {
    const changed = await tx
      .update(userSmsPreferences)
      .set({ optedOutAt: now, optOutSource: "settings", optedInAt: null, optInSource: null, updatedAt: now })
      .where(and(eq(userSmsPreferences.userId, ctx.actor.userId), isNull(userSmsPreferences.optedOutAt)))
      .returning({ userId: userSmsPreferences.userId });
    await recordOptChanges(tx, changed, "opt_out", "settings", now);
  });
  return smsStatusOf(await getPreferences(ctx), now);
}

/**
 * Turns texts back on from the settings page (needs a verified number) and sends the opt-in
 * confirmation for this opt-in. A START from the phone is handled in server/sms/inbound.ts.
 */
export async function optBackIn(ctx: ServiceContext<UserActor>, deps: Pick<VerificationDeps, "now" | "programName">): Promise<TextingStatus> {
  const now = deps.now();
  const prefs = await getPreferences(ctx);
  if (!prefs.optedOutAt) return smsStatusOf(prefs, now); // texts are on: nothing to confirm
  if (!prefs.phone || !prefs.phoneVerifiedAt) {
    throw new DomainError("PRECONDITION_FAILED", "Verify a phone number before turning texts on.", { field: "phone" });
  }
  const updated = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(userSmsPreferences)
      .set({ optedOutAt: null, optOutSource: null, optedInAt: now, optInSource: "settings", updatedAt: now })
      .where(and(eq(userSmsPreferences.userId, ctx.actor.userId), isNotNull(userSmsPreferences.optedOutAt)))
      .returning();
    await recordOptChanges(tx, row ? [row] : [], "opt_in", "settings", now);
    return row;
  });
  if (!updated) return smsStatusOf(await getPreferences(ctx), now); // a concurrent opt-in won
  await sendOptInConfirmation(ctx, {
    programName: deps.programName,
    preferences: updated,
    dedupeKey: `welcome_sms:${ctx.actor.userId}:opt-in:${now.toISOString()}`,
  });
  return smsStatusOf(updated, now);
}

function expiredCode() {
  return new DomainError("PRECONDITION_FAILED", "This code has expired or was already used. Send a new code.", { field: "code" });
}

/** Seconds until Twilio lets the number have a new verification (its 10 minutes run out). */
function secondsLeftOf(prefs: Preferences, now: Date): number {
  const started = prefs.verificationStartedAt?.getTime() ?? now.getTime();
  return Math.max(1, (started + VERIFY_CODE_TTL_SECONDS * 1000 - now.getTime()) / 1000);
}

function tooManyWrongCodes(prefs: Preferences, now: Date) {
  return tooManyRequests((wait) => `Too many wrong codes. You can ask for a new code in ${wait}.`, secondsLeftOf(prefs, now), "code");
}

async function clearVerification(ctx: ServiceContext<UserActor>, phone: string, now: Date) {
  await ctx.db
    .update(userSmsPreferences)
    .set({ verificationStartedAt: null, updatedAt: now })
    .where(and(eq(userSmsPreferences.userId, ctx.actor.userId), eq(userSmsPreferences.phone, phone)));
}

/**
 * Twilio's refusals to send a code (which codes mean what: server/sms/provider/errors.ts), as
 * messages about the number; anything else stays an internal error.
 */
function verifyStartError(error: unknown, liveUntil: Date | null, now: Date): unknown {
  switch (verifyRefusalOf(error)) {
    case "too_many_codes": {
      const seconds = liveUntil ? (liveUntil.getTime() - now.getTime()) / 1000 : VERIFY_CODE_TTL_SECONDS;
      return tooManyRequests((wait) => `Too many codes have been sent to this number. Try again in ${wait}.`, seconds, "phone");
    }
    case "busy": {
      const retryAfterMs = error instanceof ProviderError ? error.retryAfterMs : undefined;
      return tooManyRequests((wait) => `The text service is busy. Try again in ${wait}.`, (retryAfterMs ?? 60_000) / 1000, "phone");
    }
    case "bad_number":
      return new DomainError("BAD_REQUEST", "Twilio cannot send a code to this phone number. Check it, or use a mobile number.", { field: "phone" });
    case "country_blocked":
      return new DomainError("BAD_REQUEST", "We cannot send codes to this country.", { field: "phone" });
    case "fraud_blocked":
      return new DomainError("FORBIDDEN", "Codes to this phone number are blocked. Contact support if it is yours.", { field: "phone" });
    case undefined:
      return error;
  }
}

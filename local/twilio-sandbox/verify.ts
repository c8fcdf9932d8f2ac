import { now, type SandboxContext } from "./context";
import { iso8601 } from "./dates";
import { twilioErrors } from "./errors";
import { json, type Reply, type TwilioRequest } from "./http";
import { newSid, newVerificationCode } from "./ids";
import { magicVerifyRefusal } from "./magic-numbers";
import { isE164 } from "./phone";
import type { VerificationRecord } from "./state";

/** POST /v2/Services/{ServiceSid}/Verifications — a repeat start while pending re-sends the same code. */
export function startVerification(ctx: SandboxContext, req: TwilioRequest): Reply {
  const serviceSid = requireService(ctx, req);
  const to = (req.form.get("To") ?? "").trim();
  const channel = req.form.get("Channel");
  if (!to) throw twilioErrors.verifyInvalidParameter("To");
  if (!channel) throw twilioErrors.verifyInvalidParameter("Channel");
  if (channel !== "sms") throw twilioErrors.verifyInvalidParameter("Channel");
  if (!isE164(to)) throw twilioErrors.verifyInvalidParameter("To");
  const refusal = magicVerifyRefusal(to);
  if (refusal) throw refusal;

  const at = now(ctx);
  const pending = findPending(ctx, { serviceSid, to });
  if (pending) {
    if (pending.sendCodeAttempts.length >= ctx.config.maxVerificationSends) throw twilioErrors.verifyMaxSends();
    pending.sendCodeAttempts.push({ attemptSid: newSid("VL"), time: at });
    pending.dateUpdated = at;
    return json(201, verificationJson(ctx, pending));
  }
  const verification: VerificationRecord = {
    sid: newSid("VE"),
    serviceSid,
    to,
    channel: "sms",
    code: newVerificationCode(),
    status: "pending",
    sendCodeAttempts: [{ attemptSid: newSid("VL"), time: at }],
    checkAttempts: 0,
    dateCreated: at,
    dateUpdated: at,
    expiresAt: new Date(at.getTime() + ctx.config.verificationTtlMs),
  };
  ctx.state.verifications.set(verification.sid, verification);
  return json(201, verificationJson(ctx, verification));
}

/** POST /v2/Services/{ServiceSid}/VerificationCheck — 200 pending on a wrong code, 404 with nothing pending. */
export function checkVerification(ctx: SandboxContext, req: TwilioRequest): Reply {
  const serviceSid = requireService(ctx, req);
  const code = req.form.get("Code");
  const to = req.form.get("To");
  const verificationSid = req.form.get("VerificationSid");
  if (!code) throw twilioErrors.verifyInvalidParameter("Code");
  if (!to && !verificationSid) throw twilioErrors.verifyInvalidParameter("To");

  const verification = findPending(ctx, { serviceSid, to, verificationSid });
  if (!verification) throw twilioErrors.notFound(`/Services/${serviceSid}/VerificationCheck`);
  if (verification.checkAttempts >= ctx.config.maxVerificationChecks) throw twilioErrors.verifyMaxChecks();

  verification.checkAttempts += 1;
  verification.dateUpdated = now(ctx);
  if (code === verification.code) verification.status = "approved";
  return json(200, {
    sid: verification.sid,
    service_sid: verification.serviceSid,
    account_sid: ctx.config.accountSid,
    to: verification.to,
    channel: verification.channel,
    status: verification.status,
    valid: verification.status === "approved",
    amount: null,
    payee: null,
    sna_attempts_error_codes: [],
    date_created: iso8601(verification.dateCreated),
    date_updated: iso8601(verification.dateUpdated),
  });
}

/** GET /v2/Services/{ServiceSid}/Verifications/{Sid} */
export function fetchVerification(ctx: SandboxContext, req: TwilioRequest): Reply {
  return json(200, verificationJson(ctx, findBySid(ctx, req)));
}

/** POST /v2/Services/{ServiceSid}/Verifications/{Sid} — Status=canceled|approved. */
export function updateVerification(ctx: SandboxContext, req: TwilioRequest): Reply {
  const verification = findBySid(ctx, req);
  const status = req.form.get("Status");
  if (status !== "canceled" && status !== "approved") throw twilioErrors.verifyInvalidParameter("Status");
  if (verification.status !== "pending") throw twilioErrors.notFound(req.path);
  verification.status = status;
  verification.dateUpdated = now(ctx);
  return json(200, verificationJson(ctx, verification));
}

/** The pending verification for a number (expiring it first if its 10 minutes are over). */
export function findPending(
  ctx: SandboxContext,
  by: { serviceSid?: string; to?: string | null; verificationSid?: string | null },
): VerificationRecord | undefined {
  const at = now(ctx).getTime();
  let found: VerificationRecord | undefined;
  for (const v of ctx.state.verifications.values()) {
    if (v.status === "pending" && v.expiresAt.getTime() <= at) v.status = "expired";
    if (v.status !== "pending") continue;
    if (by.serviceSid && v.serviceSid !== by.serviceSid) continue;
    if (by.verificationSid ? v.sid !== by.verificationSid : v.to !== by.to) continue;
    found = v;
  }
  return found;
}

function findBySid(ctx: SandboxContext, req: TwilioRequest): VerificationRecord {
  const serviceSid = requireService(ctx, req);
  findPending(ctx, {}); // expire stale ones so the status read is current
  const verification = ctx.state.verifications.get(req.params[1] ?? "");
  if (!verification || verification.serviceSid !== serviceSid) throw twilioErrors.notFound(req.path);
  return verification;
}

function requireService(ctx: SandboxContext, req: TwilioRequest): string {
  const serviceSid = req.params[0] ?? "";
  if (!ctx.config.verifyServiceSids.includes(serviceSid)) throw twilioErrors.notFound(req.path);
  return serviceSid;
}

function verificationJson(ctx: SandboxContext, v: VerificationRecord) {
  return {
    sid: v.sid,
    service_sid: v.serviceSid,
    account_sid: ctx.config.accountSid,
    to: v.to,
    channel: v.channel,
    status: v.status,
    valid: v.status === "approved",
    lookup: {},
    amount: null,
    payee: null,
    send_code_attempts: v.sendCodeAttempts.map((a) => ({
      attempt_sid: a.attemptSid,
      channel: "SMS",
      time: iso8601(a.time),
    })),
    date_created: iso8601(v.dateCreated),
    date_updated: iso8601(v.dateUpdated),
    sna: null,
    url: `https://verify.twilio.com/v2/Services/${v.serviceSid}/Verifications/${v.sid}`,
  };
}

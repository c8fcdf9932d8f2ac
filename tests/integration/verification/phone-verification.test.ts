import { TRPCError } from "@trpc/server";
import { and, asc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages, smsOptChanges } from "@/db/schema";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import type { SessionUser } from "@/server/auth/auth";
import { handleInboundText } from "@/server/sms/inbound";
import { requestSms } from "@/server/sms/request";
import { advanceMessage } from "@/server/sms/send-pipeline";
import type { VerificationDeps } from "@/server/verification/service";
import { createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { preferencesOf, sandboxProvider, seedTemplates } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { callerFor, testVerificationDeps } from "../../helpers/trpc";
import { webhookContext } from "@/server/service-context";

/** What a failed call answered: its tRPC code, message, field and wait, or OK. */
async function outcome(promise: Promise<unknown>) {
  try {
    await promise;
    return { code: "OK" } as const;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const cause = error.cause as { field?: string; retryAfterSeconds?: number } | undefined;
    return { code: error.code, message: error.message, field: cause?.field, retryAfterSeconds: cause?.retryAfterSeconds };
  }
}

let numberSequence = 0;
const AREA_CODES = ["206", "212", "312", "415", "617", "303", "512", "702"];
/** A different valid US mobile-or-landline number each call (NXX 555-01xx is reserved for fiction). */
function usNumber() {
  const n = numberSequence++;
  return `+1${AREA_CODES[Math.floor(n / 100) % AREA_CODES.length]}55501${String(n % 100).padStart(2, "0")}`;
}

let addressSequence = 1;
const uniqueAddress = () => `198.51.100.${addressSequence++}`;

/** Rate-limit windows are whole hours: tests start at the top of one so counts never straddle two. */
const START = new Date("2030-03-04T10:00:00.000Z");

describe.each(testDatabases())("phone verification on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let clock: Date;
  const tick = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
    sandbox = createTwilioSandbox({
      accountSid: SANDBOX_ACCOUNT_SID,
      authToken: SANDBOX_AUTH_TOKEN,
      port: 0,
      deliveryDelayMs: 20,
      now: () => clock,
    });
    await sandbox.start();
  });
  beforeEach(() => {
    sandbox.reset();
    clock = new Date(START);
  });
  afterAll(async () => {
    await sandbox?.stop();
    await handle?.drop();
  });

  function deps(overrides: Partial<VerificationDeps> = {}): VerificationDeps {
    return testVerificationDeps({
      verifier: sandboxProvider(sandbox.url),
      clientAddress: uniqueAddress(),
      now: () => clock,
      ...overrides,
    });
  }

  /** The opt-in confirmations requested for a user: their dedupe keys, oldest first. */
  async function confirmationsOf(userId: string) {
    const rows = await handle.db
      .select({ dedupeKey: smsMessages.dedupeKey, body: smsMessages.body, to: smsMessages.to, status: smsMessages.status })
      .from(smsMessages)
      .where(and(eq(smsMessages.userId, userId), like(smsMessages.dedupeKey, "welcome_sms:%")))
      .orderBy(asc(smsMessages.createdAt));
    return rows;
  }
  const keysOf = async (userId: string) => (await confirmationsOf(userId)).map((r) => r.dedupeKey);

  async function newUser(): Promise<SessionUser> {
    const u = await createUser(handle.db);
    return { id: u.id, email: u.email, name: u.name, role: "user" };
  }

  /** A user whose number went through the real flow: code sent, read from the sandbox, approved. */
  async function verifiedUser(phone = usNumber(), d = deps()) {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: d });
    await caller.sms.sendCode({ country: "US", phone });
    await caller.sms.verifyCode({ code: sandbox.verificationCode(phone)! });
    return { user, caller, phone };
  }

  it("sends a code through Twilio Verify and stores the number as E.164, unverified", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps() });
    const status = await caller.sms.sendCode({ country: "US", phone: "(206) 555-0100" });
    expect(status.phone).toEqual({ e164: "+12065550100", display: "+1 206 555 0100", verifiedAt: null });
    expect(status.pendingCode).toEqual({ expiresInSeconds: 600, resendInSeconds: 30 });
    expect(sandbox.verificationCode("+12065550100")).toMatch(/^\d{6}$/);
    const row = await preferencesOf(handle.db, user.id);
    expect(row.phone).toBe("+12065550100");
    expect(row.phoneVerifiedAt).toBeNull();
  });

  it("marks the number verified only when Verify approves the code, then sends the opt-in confirmation once", async () => {
    const user = await newUser();
    const jobs = recordingJobs();
    const caller = callerFor(handle.db, user, jobs, { verification: deps() });
    const phone = usNumber();
    await caller.sms.sendCode({ country: "US", phone });
    const code = sandbox.verificationCode(phone)!;
    const wrong = code === "000000" ? "111111" : "000000";

    const rejected = await outcome(caller.sms.verifyCode({ code: wrong }));
    expect(rejected).toMatchObject({ code: "BAD_REQUEST", field: "code", message: expect.stringMatching(/not right/) });
    expect((await preferencesOf(handle.db, user.id)).phoneVerifiedAt).toBeNull();
    expect(await keysOf(user.id)).toEqual([]);

    tick(5);
    const status = await caller.sms.verifyCode({ code: ` ${code.slice(0, 3)} ${code.slice(3)} ` });
    expect(status.phone?.verifiedAt).toEqual(clock);
    expect(status.pendingCode).toBeNull();
    expect((await preferencesOf(handle.db, user.id)).phoneVerifiedAt).toEqual(clock);
    const [welcome, ...others] = await confirmationsOf(user.id);
    expect(others).toEqual([]);
    expect(welcome).toMatchObject({ dedupeKey: `welcome_sms:${user.id}:verified:${clock.toISOString()}`, to: phone });
    // CTIA: program name, what and how often, rates, HELP and STOP.
    expect(welcome?.body).toBe(
      "BuildOS SMS: you're signed up for the task reminders and alerts you choose, up to 10 msgs/day. Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
    );
    expect(jobs.sent.map((e) => e.name)).toEqual(["sms/message.requested"]);

    // The code is used up: checking again changes nothing and confirms nothing again.
    expect(await outcome(caller.sms.verifyCode({ code }))).toMatchObject({ code: "PRECONDITION_FAILED", field: "code" });
    expect(await keysOf(user.id)).toHaveLength(1);
  });

  it("refuses bad numbers with a field error before any code is sent, and changes nothing", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps() });
    const cases: [{ country: string; phone: string }, string, RegExp][] = [
      [{ country: "US", phone: "" }, "phone", /Enter your phone number/],
      [{ country: "US", phone: "206 555" }, "phone", /too short for United States/],
      [{ country: "US", phone: "206 555 0100 12345" }, "phone", /too long/],
      [{ country: "US", phone: "1-800-FLOWERS" }, "phone", /only have digits/],
      [{ country: "US", phone: "800 555 0199" }, "phone", /toll-free number that cannot receive texts/],
      [{ country: "US", phone: "+44 7700 900123" }, "phone", /not a valid phone number/],
      [{ country: "DE", phone: "01511 2345678" }, "phone", /only text phone numbers in United States and Canada; this one is in Germany/],
      [{ country: "US", phone: "+49 1511 2345678" }, "phone", /United States and Canada/],
      [{ country: "ZZ", phone: "206 555 0100" }, "country", /Choose a country/],
    ];
    for (const [input, field, message] of cases) {
      const result = await outcome(caller.sms.sendCode(input));
      expect(result, JSON.stringify(input)).toMatchObject({ code: "BAD_REQUEST", field, message: expect.stringMatching(message) });
    }
    expect(sandbox.state.verifications.size).toBe(0);
    const row = await caller.preferences.get();
    expect(row.phone).toBeNull();
    expect(row.codeSentAt).toBeNull();
  });

  it("takes the allowed countries from configuration", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps({ allowedCountries: ["GB"] }) });
    expect(await outcome(caller.sms.sendCode({ country: "US", phone: usNumber() }))).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/only text phone numbers in United Kingdom/),
    });
    const status = await caller.sms.sendCode({ country: "GB", phone: "07400 123456" });
    expect(status.phone?.e164).toBe("+447400123456");
  });

  it("never lets the client set the verified flag, the number or the opt-out fields", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps() });
    for (const smuggled of [
      { phoneVerifiedAt: new Date() },
      { phone: "+12065550111" },
      { optedOutAt: null },
      { optOutSource: "settings" },
      { optedInAt: new Date() },
      { verificationStartedAt: new Date() },
    ]) {
      expect(await outcome(caller.preferences.update(smuggled as never)), JSON.stringify(smuggled)).toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await outcome(caller.sms.sendCode({ country: "US", phone: usNumber(), verified: true } as never))).toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await outcome(caller.sms.verifyCode({ code: "123456", phone: "+12065550111" } as never))).toMatchObject({ code: "BAD_REQUEST" });
    const row = await caller.preferences.get();
    expect(row).toMatchObject({ phone: null, phoneVerifiedAt: null, optedOutAt: null, optedInAt: null });
  });

  it("changing the number unverifies it; the old number is forgotten once Verify has sent the new code", async () => {
    const { user, caller, phone: oldPhone } = await verifiedUser();
    expect((await preferencesOf(handle.db, user.id)).phoneVerifiedAt).not.toBeNull();
    const system = { db: handle.db, jobs: recordingJobs(), actor: { type: "system", reason: "test" } as const };
    const reminder = await requestSms(system, {
      userId: user.id,
      templateKey: "task_reminder",
      variables: { task_name: "Call the bank", due_time: "at 3pm", task_context: "Project: home" },
      scheduledFor: new Date(Date.now() + 3_600_000),
    });

    // The same number again is not a change.
    expect(await outcome(caller.sms.sendCode({ country: "US", phone: oldPhone }))).toMatchObject({ code: "CONFLICT", field: "phone" });

    tick(60);
    const newPhone = usNumber();
    const status = await caller.sms.sendCode({ country: "US", phone: newPhone });
    expect(status.phone).toMatchObject({ e164: newPhone, verifiedAt: null });
    const row = await preferencesOf(handle.db, user.id);
    expect(row.phone).toBe(newPhone);
    expect(row.phoneVerifiedAt).toBeNull();
    // The text requested for the old number is skipped by the pipeline when it next looks at it.
    expect(await advanceMessage(system, reminder.messageId, new Date())).toMatchObject({
      next: "done",
      status: "skipped",
      reason: "unverified",
    });

    // A STOP from the old number no longer touches this user.
    await handleInboundText(webhookContext(handle.db, recordingJobs()), { messageSid: `SM${"a".repeat(32)}`, from: oldPhone, to: "+15005550006", body: "STOP" }, {
      name: "BuildOS SMS",
      supportUrl: "http://localhost/help",
    });
    expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeNull();
  });

  it("asks to wait before a resend and says how long", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps() });
    const phone = usNumber();
    await caller.sms.sendCode({ country: "US", phone });
    tick(10);
    expect(await outcome(caller.sms.sendCode({ country: "US", phone }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      field: "phone",
      retryAfterSeconds: 20,
      message: "We just sent a code. You can ask for a new one in 20 seconds.",
    });
    tick(20);
    const status = await caller.sms.sendCode({ country: "US", phone });
    // A resend within Twilio's 10 minutes is the same verification: same code, same expiry.
    expect(status.pendingCode).toEqual({ expiresInSeconds: 570, resendInSeconds: 30 });
    expect(sandbox.state.verifications.size).toBe(1);
  });

  it("limits codes per user at the configured number, whatever the number", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps({ limits: { ...deps().limits, sendsPerUserPerHour: 3 } }) });
    for (let i = 0; i < 3; i++) {
      await caller.sms.sendCode({ country: "US", phone: usNumber() });
      tick(31);
    }
    const refused = await outcome(caller.sms.sendCode({ country: "US", phone: usNumber() }));
    // Three sends 31 s apart: the hour's window ends 60 min − 93 s after the last.
    expect(refused).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      field: "phone",
      retryAfterSeconds: 3600 - 93,
      message: "You have asked for 3 codes this hour. You can ask for another in 59 minutes.",
    });
    expect(sandbox.state.verifications.size).toBe(3);
  });

  it("limits codes per number across accounts at the configured number", async () => {
    const phone = usNumber();
    const limits = { ...deps().limits, sendsPerNumberPerHour: 2 };
    for (let i = 0; i < 2; i++) {
      await callerFor(handle.db, await newUser(), undefined, { verification: deps({ limits }) }).sms.sendCode({ country: "US", phone });
      tick(31);
    }
    const third = callerFor(handle.db, await newUser(), undefined, { verification: deps({ limits }) });
    expect(await outcome(third.sms.sendCode({ country: "US", phone }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/^Too many codes have been sent to this phone number\. Try again in 59 minutes\.$/),
    });
    // Another number for the same account is fine: the limit is the number's.
    await third.sms.sendCode({ country: "US", phone: usNumber() });
  });

  it("limits codes per client address at the configured number; other addresses are unaffected", async () => {
    const address = uniqueAddress();
    const limits = { ...deps().limits, sendsPerAddressPerHour: 4 };
    for (let i = 0; i < 4; i++) {
      await callerFor(handle.db, await newUser(), undefined, { verification: deps({ limits, clientAddress: address }) }).sms.sendCode({
        country: "US",
        phone: usNumber(),
      });
    }
    const user = await newUser();
    const fromSameAddress = callerFor(handle.db, user, undefined, { verification: deps({ limits, clientAddress: address }) });
    expect(await outcome(fromSameAddress.sms.sendCode({ country: "US", phone: usNumber() }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      retryAfterSeconds: 3600,
      message: "Too many codes have been requested from your network. Try again in 60 minutes.",
    });
    expect((await preferencesOf(handle.db, user.id)).phone).toBeNull();
    const elsewhere = callerFor(handle.db, user, undefined, { verification: deps({ limits, clientAddress: uniqueAddress() }) });
    await elsewhere.sms.sendCode({ country: "US", phone: usNumber() });
  });

  it("limits code checks per user at the configured number", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps({ limits: { ...deps().limits, checksPerUserPerHour: 2 } }) });
    await caller.sms.sendCode({ country: "US", phone: usNumber() });
    for (let i = 0; i < 2; i++) expect(await outcome(caller.sms.verifyCode({ code: "000001" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await outcome(caller.sms.verifyCode({ code: "000001" }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      field: "code",
      message: "Too many codes entered this hour. Try again in 60 minutes.",
    });
  });

  it("answers Verify's own limits (60203 too many sends, 60202 too many checks) with how long to wait", async () => {
    const limits = { ...deps().limits, sendsPerUserPerHour: 50, sendsPerNumberPerHour: 50, sendsPerAddressPerHour: 50, checksPerUserPerHour: 50 };
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps({ limits }) });
    const phone = usNumber();
    for (let i = 0; i < 5; i++) {
      await caller.sms.sendCode({ country: "US", phone });
      tick(30);
    }
    // Five sends of one verification, 30 s apart: Twilio refuses the sixth until the code expires.
    expect(await outcome(caller.sms.sendCode({ country: "US", phone }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      retryAfterSeconds: 600 - 150,
      message: "Too many codes have been sent to this number. Try again in 8 minutes.",
    });

    for (let i = 0; i < 5; i++) expect(await outcome(caller.sms.verifyCode({ code: "000001" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await outcome(caller.sms.verifyCode({ code: sandbox.verificationCode(phone)! }))).toMatchObject({
      code: "TOO_MANY_REQUESTS",
      field: "code",
      retryAfterSeconds: 450,
      message: "Too many wrong codes. You can ask for a new code in 8 minutes.",
    });
    expect((await preferencesOf(handle.db, user.id)).phoneVerifiedAt).toBeNull();
  });

  it("says a code has expired after Twilio's 10 minutes", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps() });
    const phone = usNumber();
    await caller.sms.sendCode({ country: "US", phone });
    const code = sandbox.verificationCode(phone)!;
    tick(601);
    expect(await outcome(caller.sms.verifyCode({ code }))).toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "code",
      message: "This code has expired or was already used. Send a new code.",
    });
    expect((await caller.sms.status()).pendingCode).toBeNull();
  });

  it("rejects malformed codes with a field error without asking Twilio", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user, undefined, { verification: deps() });
    await caller.sms.sendCode({ country: "US", phone: usNumber() });
    for (const code of ["", "12", "abcdef", "12345678901"]) {
      expect(await outcome(caller.sms.verifyCode({ code })), code).toMatchObject({ code: "BAD_REQUEST", field: "code" });
    }
    const [verification] = sandbox.state.verifications.values();
    expect(verification?.checkAttempts).toBe(0);
  });

  it("stops texts from settings and turns them back on only with a verified number, confirming the opt-in", async () => {
    const unverified = callerFor(handle.db, await newUser(), undefined, { verification: deps() });
    expect(await outcome(unverified.sms.optIn())).toMatchObject({ code: "OK" }); // texts were never off: nothing to do
    await unverified.sms.optOut();
    expect(await outcome(unverified.sms.optIn())).toMatchObject({ code: "PRECONDITION_FAILED", field: "phone" });

    const { user, caller } = await verifiedUser();
    const verifiedKey = `welcome_sms:${user.id}:verified:${clock.toISOString()}`;
    tick(60);
    const off = await caller.sms.optOut();
    expect(off.optedOut).toEqual({ at: clock, source: "settings" });
    tick(60);
    const on = await caller.sms.optIn();
    expect(on.optedOut).toBeNull();
    expect(on.optedIn).toEqual({ at: clock, source: "settings" });
    expect(await keysOf(user.id)).toEqual([verifiedKey, `welcome_sms:${user.id}:opt-in:${clock.toISOString()}`]);
    // Opting in while texts are on is not a new opt-in.
    await caller.sms.optIn();
    expect(await keysOf(user.id)).toHaveLength(2);
    // Each real change is recorded once for the dashboard's opt-outs and opt-ins per day.
    const changes = await handle.db.select().from(smsOptChanges).where(eq(smsOptChanges.userId, user.id)).orderBy(asc(smsOptChanges.createdAt));
    expect(changes.map((c) => [c.kind, c.source])).toEqual([
      ["opt_out", "settings"],
      ["opt_in", "settings"],
    ]);
  });

  it("shows a STOP and a START from the phone as when and how they happened", async () => {
    const { user, caller, phone } = await verifiedUser();
    const program = { name: "BuildOS SMS", supportUrl: "http://localhost/help" };
    const stopAt = new Date("2030-03-04T11:00:00.000Z");
    await handleInboundText(webhookContext(handle.db, recordingJobs()), { messageSid: `SM${"b".repeat(32)}`, from: phone, to: "+15005550006", body: "stop" }, program, stopAt);
    expect((await caller.sms.status()).optedOut).toEqual({ at: stopAt, source: "keyword" });
    const startAt = new Date("2030-03-04T12:00:00.000Z");
    await handleInboundText(webhookContext(handle.db, recordingJobs()), { messageSid: `SM${"c".repeat(32)}`, from: phone, to: "+15005550006", body: "START" }, program, startAt);
    const status = await caller.sms.status();
    expect(status.optedOut).toBeNull();
    expect(status.optedIn).toEqual({ at: startAt, source: "keyword" });
    // START's own reply is the confirmation: no welcome text on top of the one from verification.
    expect(await keysOf(user.id)).toEqual([expect.stringMatching(/:verified:/)]);
  });

  it("touches only the caller's own number and status", async () => {
    const { user: alice, phone: alicePhone } = await verifiedUser();
    const bob = await newUser();
    const asBob = callerFor(handle.db, bob, undefined, { verification: deps() });
    expect((await asBob.sms.status()).phone).toBeNull();
    await asBob.sms.sendCode({ country: "US", phone: usNumber() });
    await asBob.sms.optOut();
    const aliceRow = await preferencesOf(handle.db, alice.id);
    expect(aliceRow).toMatchObject({ phone: alicePhone, optedOutAt: null });
    expect(aliceRow.phoneVerifiedAt).not.toBeNull();
    const anonymous = callerFor(handle.db, null, undefined, { verification: deps() });
    expect(await outcome(anonymous.sms.status())).toMatchObject({ code: "UNAUTHORIZED" });
    expect(await outcome(anonymous.sms.sendCode({ country: "US", phone: usNumber() }))).toMatchObject({ code: "UNAUTHORIZED" });
  });
});

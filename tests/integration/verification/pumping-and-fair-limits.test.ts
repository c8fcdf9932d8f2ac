import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { verificationRefusals } from "@/db/schema";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import type { SessionUser } from "@/server/auth/auth";
import { dashboardSummary } from "@/server/dashboard/admin-queries";
import { handleInboundText } from "@/server/sms/inbound";
import { webhookContext, type AdminActor, type ServiceContext } from "@/server/service-context";
import type { VerificationDeps } from "@/server/verification/service";
import { createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { preferencesOf, sandboxProvider, seedTemplates } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { callerFor, testVerificationDeps } from "../../helpers/trpc";

/**
 * Verification that resists SMS pumping and that no one can use to lock others out: limits keyed
 * only on what the client cannot choose, a global budget instead of one shared "address" when
 * no address is known, Lookup line types, Verify's fraud and geo refusals counted for admins,
 * and a STOP from a shared phone ending code sends to it.
 */
async function outcome(promise: Promise<unknown>) {
  try {
    await promise;
    return { code: "OK" } as const;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, message: error.message };
  }
}

let sequence = 0;
/** A US number in the sandbox's plan: exchange 555-01xx is mobile, 02xx landline, 03xx fixed VoIP, 04xx non-fixed VoIP, 05xx Fraud Guard, 06xx geo. */
const number = (exchange: "01" | "02" | "03" | "04" | "05" | "06", area = "206") => `+1${area}555${exchange}${String(sequence++ % 100).padStart(2, "0")}`;
const START = new Date("2031-05-06T10:00:00.000Z");
const program = { name: "BuildOS SMS", supportUrl: "https://example.test/help" };

describe.each(testDatabases())("verification abuse resistance on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let clock: Date;
  const tick = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

  beforeAll(async () => {
    handle = await database.open();
    await seedTemplates(handle.db);
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 20, now: () => clock });
    await sandbox.start();
  });
  beforeEach(async () => {
    sandbox.reset();
    // Each test its own hour, so shared budgets from one test never count in the next.
    clock = new Date(START.getTime() + sequence * 3_600_000 * 2);
    sequence += 100;
  });
  afterAll(async () => {
    await sandbox?.stop();
    await handle?.drop();
  });

  const deps = (overrides: Partial<VerificationDeps> = {}) =>
    testVerificationDeps({ verifier: sandboxProvider(sandbox.url), clientAddress: null, now: () => clock, ...overrides });
  const asAdmin = (): ServiceContext<AdminActor> => ({ db: handle.db, jobs: recordingJobs(), actor: { type: "admin", userId: "admin" } });
  async function newUser(): Promise<SessionUser> {
    const u = await createUser(handle.db);
    return { id: u.id, email: u.email, name: u.name, role: "user" };
  }
  const send = async (user: SessionUser, phone: string, d = deps(), country = "US") =>
    outcome(callerFor(handle.db, user, undefined, { verification: d }).sms.sendCode({ country, phone }));

  describe("fair limits", () => {
    it("a new user can send a code after another user exhausted every limit that applies to them (no address known)", async () => {
      const greedy = await newUser();
      const results = [];
      for (let i = 0; i < 40; i++) {
        results.push((await send(greedy, number("01"))).code);
        tick(31);
      }
      expect(results.slice(0, 5)).toEqual(["OK", "OK", "OK", "OK", "OK"]);
      expect(new Set(results.slice(5))).toEqual(new Set(["TOO_MANY_REQUESTS"]));
      // The greedy user's own limit, and nobody else's: no shared "network" bucket filled up.
      expect(await send(await newUser(), number("01"))).toEqual({ code: "OK" });
    });

    it("bounds total spend with a global budget when no address is known", async () => {
      const d = deps({ limits: { ...deps().limits, sendsGlobalPerHour: 3 } });
      for (let i = 0; i < 3; i++) expect(await send(await newUser(), number("01"), d)).toEqual({ code: "OK" });
      expect(await send(await newUser(), number("01"), d)).toMatchObject({
        code: "TOO_MANY_REQUESTS",
        message: expect.stringMatching(/^We are sending too many codes right now\. Try again in \d+ minutes\.$/),
      });
    });

    it("limits sends per destination country; other countries go on", async () => {
      const d = deps({ limits: { ...deps().limits, sendsPerCountryPerHour: 2 } });
      for (let i = 0; i < 2; i++) expect(await send(await newUser(), number("01"), d)).toEqual({ code: "OK" });
      expect(await send(await newUser(), number("01"), d)).toMatchObject({ code: "TOO_MANY_REQUESTS", message: expect.stringMatching(/this country/) });
      expect(await send(await newUser(), number("01", "416"), d, "CA")).toEqual({ code: "OK" });
    });
  });

  describe("line type (Lookup v2) before a code is sent", () => {
    it.each([
      ["landline", "02", /landline/],
      ["fixed VoIP", "03", /VoIP/],
    ] as const)("refuses a %s with a plain message, sends nothing and counts it", async (_what, exchange, message) => {
      const user = await newUser();
      const phone = number(exchange);
      expect(await send(user, phone)).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(message) });
      expect(sandbox.verificationCode(phone)).toBeUndefined();
      expect((await preferencesOf(handle.db, user.id)).phone).toBeNull();
    });

    it("lets mobile and non-fixed VoIP numbers through", async () => {
      expect(await send(await newUser(), number("01"))).toEqual({ code: "OK" });
      expect(await send(await newUser(), number("04"))).toEqual({ code: "OK" });
    });

    it("the sandbox answers Lookup v2 toll-free for 8xx numbers (which the number check refuses before any lookup)", async () => {
      expect(await sandboxProvider(sandbox.url).lookupLineType("+18005550123")).toBe("tollFree");
    });
  });

  describe("Verify's fraud and geo refusals", () => {
    it.each([
      ["Fraud Guard (60410)", "05", "FORBIDDEN", /blocked/, "fraud_guard"],
      ["geo permission (60605)", "06", "BAD_REQUEST", /cannot send codes to this country/, "geo_permission"],
    ] as const)("%s becomes a plain message and a count on the dashboard", async (_what, exchange, code, message, reason) => {
      const user = await newUser();
      expect(await send(user, number(exchange))).toMatchObject({ code, message: expect.stringMatching(message) });
      const summary = await dashboardSummary(asAdmin(), { days: 7, timeZone: "Etc/UTC" }, clock);
      expect(summary.verificationRefusals.find((r) => r.reason === reason)?.refusals).toBeGreaterThanOrEqual(1);
    });

    it("counts landline refusals on the dashboard too", async () => {
      const landlines = async () => (await dashboardSummary(asAdmin(), { days: 7, timeZone: "Etc/UTC" }, clock)).verificationRefusals.find((r) => r.reason === "landline")?.refusals ?? 0;
      const before = await landlines();
      await send(await newUser(), number("02"));
      expect(await landlines()).toBe(before + 1);
      // Nothing about who or which number is kept.
      expect(Object.keys((await handle.db.select().from(verificationRefusals).limit(1))[0]!).sort()).toEqual(["id", "occurredAt", "reason", "twilioCode"]);
    });
  });

  describe("shared phones", () => {
    it("another account may send a code to a verified number, but a STOP from that phone ends code sends to it, and START lifts it", async () => {
      const phone = number("01");
      const first = await newUser();
      const firstCaller = callerFor(handle.db, first, undefined, { verification: deps() });
      await firstCaller.sms.sendCode({ country: "US", phone });
      await firstCaller.sms.verifyCode({ code: sandbox.verificationCode(phone)! });

      const second = await newUser();
      expect(await send(second, phone)).toEqual({ code: "OK" }); // shared phones are real: within the per-number limit
      tick(31);

      const inbound = (sid: string, body: string) =>
        handleInboundText(webhookContext(handle.db, recordingJobs()), { messageSid: `SM${sid.repeat(32)}`, from: phone, to: "+15005550006", body }, program, clock);
      await inbound(String(sequence % 10), "STOP");
      tick(1);
      const third = await newUser();
      expect(await send(third, phone)).toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/replied STOP/) });
      expect(await send(second, phone)).toMatchObject({ code: "PRECONDITION_FAILED" });

      await inbound(String((sequence + 1) % 10), "START");
      tick(1);
      expect(await send(third, phone)).toEqual({ code: "OK" });
    });
  });
});

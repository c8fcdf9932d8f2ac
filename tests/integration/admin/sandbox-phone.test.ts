import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { DomainError } from "@/server/errors";
import { sandboxPhoneOverview } from "@/server/sandbox-phone/admin-queries";
import { replyAsSandboxNumber, setSandboxFaults } from "@/server/sandbox-phone/admin-service";
import { sandboxPhoneDeps } from "@/server/sandbox-phone/deps";
import type { AdminActor, ServiceContext } from "@/server/service-context";
import { systemContext } from "@/server/service-context";
import { dispatchMessage } from "@/server/sms/dispatch";
import { handleInboundWebhook, handleStatusWebhook, type TwilioWebhookDeps } from "@/server/webhooks/twilio-handlers";
import { createMessage, createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { createVerifiedUser, preferencesOf, sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { serveFetchHandler } from "../../helpers/webhook-server";

/**
 * The admin console's sandbox phone against a real sandbox over HTTP (its /__sandbox/ API), with
 * the app's own signed inbound webhook behind it: replies change the app's state as a phone's would.
 */
describe.each(testDatabases())("sandbox phone on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let app: { url: string; close(): Promise<void> };
  let webhookDeps: TwilioWebhookDeps;
  let provider: ReturnType<typeof sandboxProvider>;
  let ctx: ServiceContext<AdminActor>;
  let deps: ReturnType<typeof sandboxPhoneDeps>;
  let adminEmail: string;

  beforeAll(async () => {
    handle = await database.open();
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 10 });
    await sandbox.start();
    provider = sandboxProvider(sandbox.url);
    app = await serveFetchHandler((req) =>
      new URL(req.url).pathname.endsWith("/inbound") ? handleInboundWebhook(webhookDeps, req) : handleStatusWebhook(webhookDeps, req),
    );
    webhookDeps = {
      db: handle.db,
      jobs: recordingJobs(),
      provider,
      check: { publicUrl: app.url, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider },
      program: { name: "BuildOS SMS", supportUrl: `${app.url}/help` },
    };
    sandbox.setInboundWebhookUrl(`${app.url}/api/webhooks/twilio/inbound`);
    const admin = await createUser(handle.db, { role: "admin" });
    adminEmail = admin.email;
    ctx = { db: handle.db, actor: { type: "admin", userId: admin.id }, jobs: recordingJobs() };
    deps = sandboxPhoneDeps({ SMS_PROVIDER: "sandbox", TWILIO_ACCOUNT_SID: SANDBOX_ACCOUNT_SID, TWILIO_SANDBOX_URL: sandbox.url });
  });
  beforeEach(() => sandbox.reset());
  afterAll(async () => {
    await sandbox?.stop();
    await app?.close();
    await handle?.drop();
  });

  const dispatch = (id: string) =>
    dispatchMessage(systemContext(handle.db, recordingJobs(), "test"), { provider, statusCallbackUrl: `${app.url}/api/webhooks/twilio/status`, maxPerSecond: 1000 }, { messageId: id, claimToken: "run-1" });

  it("shows each number with its owner, its texts as a conversation and its latest verification code", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550401");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550401", body: "Your task is due" });
    expect((await dispatch(id)).result).toBe("sent");
    await provider.startVerification("+15555550402");

    const overview = await sandboxPhoneOverview(ctx, deps);
    if (!overview.available) throw new Error("expected the sandbox");
    const phone = overview.phones.find((p) => p.number === "+15555550401");
    expect(phone).toMatchObject({ owners: [user.email], optedOutAtSandbox: false, latestCode: null });
    expect(phone?.texts).toEqual([expect.objectContaining({ direction: "to_phone", body: "Your task is due" })]);
    const verifying = overview.phones.find((p) => p.number === "+15555550402");
    expect(verifying?.latestCode).toMatchObject({ code: expect.stringMatching(/^\d{6}$/), status: "pending" });
    // The sandbox's own sending number is not a "phone".
    expect(overview.phones.map((p) => p.number)).not.toContain("+15005550006");
    expect(overview.phones.flatMap((p) => p.owners)).not.toContain(adminEmail);
  });

  it("replies STOP as a number: the app opts its user out and answers, and the conversation shows both", async () => {
    const user = await createVerifiedUser(handle.db, "+15555550403");
    const result = await replyAsSandboxNumber(ctx, deps, { from: "+15555550403", body: "STOP" });
    expect(result.appStatus).toBe(200);
    expect(result.replies).toEqual([expect.stringMatching(/unsubscribed/)]);
    expect(await preferencesOf(handle.db, user.id)).toMatchObject({ optOutSource: "keyword" });

    const overview = await sandboxPhoneOverview(ctx, deps);
    if (!overview.available) throw new Error("expected the sandbox");
    const phone = overview.phones.find((p) => p.number === "+15555550403");
    expect(phone?.optedOutAtSandbox).toBe(true);
    expect(phone?.texts.map((t) => [t.direction, t.body.slice(0, 4)])).toEqual([
      ["from_phone", "STOP"],
      ["to_phone", expect.any(String)],
    ]);
    await replyAsSandboxNumber(ctx, deps, { from: "+15555550403", body: "START" });
    expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeNull();
  });

  it("switches faults: the next create answers 429 with the Retry-After chosen, then sends", async () => {
    expect(await setSandboxFaults(ctx, deps, { rateLimits: 1, retryAfterSeconds: 9 })).toMatchObject({ rateLimits: 1, retryAfterSeconds: 9 });
    const user = await createVerifiedUser(handle.db, "+15555550404");
    const { id } = await createMessage(handle.db, user.id, { status: "queued", to: "+15555550404" });
    expect(await dispatch(id)).toMatchObject({ result: "retry", retryAfterMs: 9_000 });
    expect((await dispatch(id)).result).toBe("sent");
    await setSandboxFaults(ctx, deps, { serverErrors: 2, dropConnections: 1 });
    const overview = await sandboxPhoneOverview(ctx, deps);
    expect(overview.available && overview.faults).toMatchObject({ serverErrors: 2, dropConnections: 1, rateLimits: 0 });
  });

  it("is off when the provider is real Twilio: a notice, and actions refused with PRECONDITION_FAILED", async () => {
    const twilio = sandboxPhoneDeps({ SMS_PROVIDER: "twilio", TWILIO_ACCOUNT_SID: `AC${"1".repeat(32)}`, TWILIO_SANDBOX_URL: sandbox.url });
    expect(await sandboxPhoneOverview(ctx, twilio)).toMatchObject({ available: false, reason: expect.stringContaining("real Twilio") });
    await expect(replyAsSandboxNumber(ctx, twilio, { from: "+15555550405", body: "STOP" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    await expect(setSandboxFaults(ctx, twilio, { serverErrors: 1 })).rejects.toBeInstanceOf(DomainError);
  });

  it("names an unreachable sandbox instead of failing with a 500", async () => {
    const gone = sandboxPhoneDeps({ SMS_PROVIDER: "sandbox", TWILIO_ACCOUNT_SID: SANDBOX_ACCOUNT_SID, TWILIO_SANDBOX_URL: "http://127.0.0.1:9" });
    await expect(sandboxPhoneOverview(ctx, gone)).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringContaining("not answering") });
  });
});

import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_SANDBOX_PORT } from "../playwright.config";
import { dropPostgresDatabase, freshPostgresDatabase, startAppInstance, type AppInstance } from "./harness/app-instances";
import { expectLive, signIn, signUp, uniqueEmail } from "./helpers";

// Whole journeys through the real pipeline; the two-instance test also starts two more apps.
test.describe.configure({ timeout: 240_000 });

/** What "live" promises: a change is on the open page within two seconds, without a reload. */
const LIVE_MS = 2_000;

let numberSequence = 0;
/** A US number the sandbox delivers to, new for each use (a block the other specs do not use). */
function usNumber() {
  const n = (Date.now() + numberSequence++) % 100;
  const area = ["458", "541", "971"][numberSequence % 3];
  return { e164: `+1${area}55501${String(n).padStart(2, "0")}`, typed: `(${area}) 555-01${String(n).padStart(2, "0")}` };
}

async function textsTo(request: APIRequestContext, sandbox: string, to: string) {
  const response = await request.get(`${sandbox}/__sandbox/messages?to=${encodeURIComponent(to)}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { messages: { to: string; body: string; status: string }[] }).messages.filter((m) => m.to === to);
}

/** Live pages hold streams: every context a test opens is closed after it, pass or fail. */
const openContexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(openContexts.splice(0).map((context) => context.close()));
});

/** Signs up on `baseURL`, verifies a number through that app's sandbox, and turns quiet hours off. */
async function verifiedUser(browser: Browser, baseURL: string, sandbox: string) {
  const context = await browser.newContext({ baseURL, locale: "en-US", timezoneId: "America/Denver" });
  openContexts.push(context);
  const page = await context.newPage();
  const email = uniqueEmail("lou");
  await signUp(page, { name: "Lou", email, password: "lou-password-1" });
  const phone = usNumber();
  await page.getByLabel("Phone number").fill(phone.typed);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByTestId("code-sent")).toBeVisible();
  const code = await context.request.get(`${sandbox}/__sandbox/verifications/code?to=${encodeURIComponent(phone.e164)}`);
  expect(code.status()).toBe(200);
  await page.getByLabel("Verification code").fill(((await code.json()) as { code: string }).code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("verified-phone")).toBeVisible();
  await page.getByLabel("Hold non-urgent texts during quiet hours").uncheck();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText("Preferences saved.")).toBeVisible();
  return { context, page, email, phone: phone.e164 };
}

async function adminContext(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL, locale: "en-US", timezoneId: "America/New_York" });
  openContexts.push(context);
  const page = await context.newPage();
  await signIn(page, E2E_ADMIN);
  return { context, page };
}

/**
 * A test text to `email` through the app at `appUrl`, as the test-send page would ask for it;
 * `sendAt` holds it in our pipeline until then (seen on its way before it is delivered).
 */
async function testSend(admin: BrowserContext, appUrl: string, email: string, task: string, sendAt?: Date) {
  const call = async (path: string, input: Record<string, unknown>, kind: "query" | "mutation") => {
    const dates = Object.keys(input).filter((key) => input[key] instanceof Date);
    const body = JSON.stringify({ json: input, ...(dates.length ? { meta: { values: Object.fromEntries(dates.map((key) => [key, ["Date"]])) } } : {}) });
    const response =
      kind === "query"
        ? await admin.request.get(`${appUrl}/api/trpc/${path}?input=${encodeURIComponent(body)}`)
        : await admin.request.post(`${appUrl}/api/trpc/${path}`, { data: body, headers: { "content-type": "application/json" } });
    expect(response.status(), path).toBe(200);
    return ((await response.json()) as { result: { data: { json: unknown } } }).result.data.json;
  };
  const users = (await call("admin.users", { search: email }, "query")) as { items: { id: string }[] };
  return call(
    "admin.messages.testSend",
    {
      userId: users.items[0]!.id,
      templateKey: "task_reminder",
      variables: { task_name: task, due_time: "at 3pm", task_context: "Site B" },
      ...(sendAt ? { scheduledFor: sendAt } : {}),
    },
    "mutation",
  );
}

/** The text's status as the database has it now, read through the admin API of `appUrl`. */
async function statusInDatabase(admin: BrowserContext, appUrl: string, messageId: string): Promise<string> {
  const input = encodeURIComponent(JSON.stringify({ json: { id: messageId } }));
  const response = await admin.request.get(`${appUrl}/api/trpc/admin.messages.get?input=${input}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { result: { data: { json: { status: string } } } }).result.data.json.status;
}

/** Marks the document: still marked at the end means the page was never reloaded. */
const markDocument = (page: Page) => page.evaluate(() => document.documentElement.setAttribute("data-e2e-unreloaded", "yes"));
const expectNotReloaded = (page: Page) => expect(page.locator("html")).toHaveAttribute("data-e2e-unreloaded", "yes");

test("the history page follows a text from request to delivery, and a STOP from the phone, without a reload", async ({ browser }) => {
  const sandbox = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;
  const user = await verifiedUser(browser, test.info().project.use.baseURL!, sandbox);
  const admin = await adminContext(browser, test.info().project.use.baseURL!);
  await expectLive(user.page);
  await markDocument(user.page);

  const appUrl = test.info().project.use.baseURL!;
  // Held in our pipeline for 5 s, then sent: the page sees it on its way, then delivered.
  const sent = (await testSend(admin.context, appUrl, user.email, "Frame the north wall", new Date(Date.now() + 5_000))) as { messageId: string };
  const text = user.page.getByTestId("message").filter({ hasText: "Frame the north wall" });
  await expect(text).toBeVisible({ timeout: LIVE_MS });
  await expect(text).toContainText(/Waiting|Scheduled|About to send|Sending/, { timeout: LIVE_MS });
  // Delivered in the database (the sandbox's callback applied): on the page within two seconds.
  await expect.poll(() => statusInDatabase(admin.context, appUrl, sent.messageId), { timeout: 30_000, intervals: [100] }).toBe("delivered");
  await expect(text).toContainText("Delivered", { timeout: LIVE_MS });
  expect((await textsTo(user.context.request, sandbox, user.phone)).filter((m) => m.body.includes("Frame the north wall"))).toHaveLength(1);

  // STOP from the phone: the settings page says texts are off.
  const stop = await user.context.request.post(`${sandbox}/__sandbox/inbound`, { data: { from: user.phone, body: "STOP" } });
  expect(stop.status()).toBe(200);
  await expect(user.page.getByTestId("texts-switch")).toContainText("Texts are off. You replied STOP from your phone on", { timeout: LIVE_MS });
  await expectNotReloaded(user.page);
});

test("a background tab lets its stream go and catches up when shown again", async ({ browser }) => {
  const sandbox = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;
  const user = await verifiedUser(browser, test.info().project.use.baseURL!, sandbox);
  await expectLive(user.page);
  await user.page.clock.install();
  // Hidden for longer than the grace period: the stream closes.
  await user.page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await user.page.clock.runFor(61_000);
  await expect(user.page.getByTestId("live-status")).toHaveAttribute("data-state", "paused");
  // A change while it was away shows as soon as it is visible again.
  const stop = await user.context.request.post(`${sandbox}/__sandbox/inbound`, { data: { from: user.phone, body: "STOP" } });
  expect(stop.status()).toBe(200);
  await user.page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await user.page.clock.resume();
  await expect(user.page.getByTestId("texts-switch")).toContainText("Texts are off", { timeout: 5_000 });
  await expectLive(user.page);
});

test.describe("two app instances on one PostgreSQL database", () => {
  let a: AppInstance | undefined;
  let b: AppInstance | undefined;
  let databaseUrl: string | undefined;
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    databaseUrl = freshPostgresDatabase();
    const authSecret = randomBytes(32).toString("hex");
    const base = Number(process.env.E2E_PORT ?? 3100);
    // One after the other: the first applies the migrations and seeds the admin.
    a = await startAppInstance({ name: "instance-a", port: base + 50, databaseUrl, authSecret });
    b = await startAppInstance({ name: "instance-b", port: base + 55, databaseUrl, authSecret });
  });
  test.afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  });

  test("a text sent through one instance moves on the admin log served by the other", async ({ browser }) => {
    const user = await verifiedUser(browser, a!.url, a!.sandboxUrl);
    const admin = await adminContext(browser, b!.url);
    await admin.page.goto("/admin/messages");
    await expectLive(admin.page);
    await markDocument(admin.page);

    const entry = admin.page.getByTestId("log-entry").filter({ hasText: "Lay the deck boards" });
    // Requested through instance A; the log is served by instance B.
    const sent = (await testSend(admin.context, a!.url, user.email, "Lay the deck boards", new Date(Date.now() + 5_000))) as { messageId: string };
    await expect(entry).toBeVisible({ timeout: LIVE_MS });
    await expect(entry).toContainText(user.email);
    // Seen waiting for its send time, then delivered.
    await expect(entry.getByTestId("status")).toHaveText(/Waiting to send|Held/, { timeout: LIVE_MS });
    await expect.poll(() => statusInDatabase(admin.context, a!.url, sent.messageId), { timeout: 30_000, intervals: [100] }).toBe("delivered");
    await expect(entry.getByTestId("status")).toHaveText("Delivered", { timeout: LIVE_MS });
    await expectNotReloaded(admin.page);
  });
});

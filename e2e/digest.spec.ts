import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { E2E_EXECUTOR_PORT, E2E_SANDBOX_PORT } from "../playwright.config";
import { sandboxTextsTo, signUp, uniqueEmail } from "./helpers";

const sandbox = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;
const executor = `http://127.0.0.1:${E2E_EXECUTOR_PORT}`;
const MINUTE = 60_000;

// A whole journey through the real pipeline (executor, sandbox, webhooks): more than 30 s on a shared machine.
test.describe.configure({ timeout: 150_000 });


test("reminders held through quiet hours arrive as one digest, and the history shows both sides", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US", timezoneId: "America/New_York" });
  const page = await context.newPage();
  await signUp(page, { name: "Dora", email: uniqueEmail("dora"), password: "dora-password-1" });
  const n = Date.now() % 100;
  const phone = { e164: `+1404556${String(100 + n).padStart(4, "0")}`, typed: `(404) 556-${String(100 + n).padStart(4, "0")}` };
  await page.getByLabel("Phone number").fill(phone.typed);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByTestId("code-sent")).toBeVisible();
  const code = await context.request.get(`${sandbox}/__sandbox/verifications/code?to=${encodeURIComponent(phone.e164)}`);
  await page.getByLabel("Verification code").fill(((await code.json()) as { code: string }).code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("verified-phone")).toBeVisible();

  // Quiet hours from half an hour ago until a few minutes past the engine's clock (which earlier
  // specs may have moved on); reminders a day ahead, so the reminder sweep asks for them now.
  const { offset_ms: offset } = (await (await context.request.get(`${executor}/v0/clock`)).json()) as { offset_ms: number };
  const local = (ms: number) =>
    page.evaluate((at) => {
      const d = new Date(at);
      return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    }, ms);
  const now = Date.now();
  await page.getByLabel("Quiet hours start").fill((await local(now - 30 * MINUTE)).slice(11));
  // Ends a few minutes ahead on the engine's clock, so the spec moves that clock little (later specs share it).
  await page.getByLabel("Quiet hours end").fill((await local(now + offset + 8 * MINUTE)).slice(11));
  await page.getByLabel("Reminder lead time").selectOption("1440");
  await expect(page.getByLabel("Send texts held overnight as one digest")).toBeChecked();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText("Preferences saved.")).toBeVisible();

  const tag = Date.now() % 10_000;
  const titles = [`Call Ana ${tag}`, `Pay rent ${tag}`, `Draft report ${tag}`];
  await page.goto("/tasks");
  for (const [i, title] of titles.entries()) {
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Due").fill(await local(now + offset + (60 + i) * MINUTE));
    await page.getByRole("button", { name: "Add task" }).click();
    await expect(page.getByText(title)).toBeVisible();
  }

  // The reminders cron ticks; the three reminders are held through the quiet hours.
  expect((await context.request.post(`${executor}/v0/clock/advance`, { data: { ms: 5 * MINUTE } })).status()).toBe(200);
  await page.goto("/settings/sms");
  const held = page.getByTestId("message").filter({ hasText: String(tag) });
  await expect(held.filter({ hasText: "Scheduled" })).toHaveCount(3, { timeout: 60_000 });
  const ours = async () => (await sandboxTextsTo(context.request, phone.e164)).filter((m) => m.body.includes(String(tag)));
  expect(await ours()).toHaveLength(0);

  // Quiet hours end: one text reaches the phone, listing all three.
  expect((await context.request.post(`${executor}/v0/clock/advance`, { data: { ms: 4 * MINUTE } })).status()).toBe(200);
  await expect
    .poll(async () => (await ours()).map((m) => [m.status, m.body]), { timeout: 60_000 })
    .toEqual([["delivered", expect.stringMatching(new RegExp(`^BuildOS: 3 reminders: 1\\) Call Ana ${tag} .*; 2\\) Pay rent ${tag} .*; 3\\) Draft report ${tag} .*\\. Reply DONE or SNOOZE with a number, e\\.g\\. DONE 1\\.$`))]]);

  // The history: the digest, labelled, and each held reminder "In a digest" with why.
  await page.reload();
  await expect(page.getByTestId("digest-label")).toHaveText("Digest of 3 texts held through your quiet hours");
  await expect(held.filter({ hasText: "In a digest" })).toHaveCount(3);
  await expect(held.filter({ hasText: "In a digest" }).first()).toContainText("sent in one digest with your other held texts");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForLoadState("networkidle");
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  expect(serious).toEqual([]);
  await context.close();
});

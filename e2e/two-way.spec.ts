import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_EXECUTOR_PORT, E2E_SANDBOX_PORT } from "../playwright.config";
import { sandboxTextsTo, signIn, signUp, trpcCall, uniqueEmail } from "./helpers";

const sandbox = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;
const executor = `http://127.0.0.1:${E2E_EXECUTOR_PORT}`;

// A whole journey through the real pipeline (executor, sandbox, webhooks): more than 30 s on a shared machine.
test.describe.configure({ timeout: 150_000 });

/** A US number the sandbox delivers to, in a block the other specs do not use. */
function usNumber() {
  const n = Date.now() % 100;
  return { e164: `+1404555${String(100 + n).padStart(4, "0")}`, typed: `(404) 555-${String(100 + n).padStart(4, "0")}` };
}


test("a reminder reaches the sandbox phone, its DONE quick reply completes the task, and /tasks shows it completed by text", async ({ browser }) => {
  // The user: a verified number, quiet hours off, a task due in half an hour.
  const userContext = await browser.newContext({ locale: "en-US", timezoneId: "America/New_York" });
  const user = await userContext.newPage();
  const email = uniqueEmail("rhea");
  await signUp(user, { name: "Rhea", email, password: "rhea-password-1" });
  const phone = usNumber();
  await user.getByLabel("Phone number").fill(phone.typed);
  await user.getByRole("button", { name: "Send code" }).click();
  await expect(user.getByTestId("code-sent")).toBeVisible();
  const code = await userContext.request.get(`${sandbox}/__sandbox/verifications/code?to=${encodeURIComponent(phone.e164)}`);
  await user.getByLabel("Verification code").fill(((await code.json()) as { code: string }).code);
  await user.getByRole("button", { name: "Verify" }).click();
  await expect(user.getByTestId("verified-phone")).toBeVisible();
  await expect(user.getByLabel("Act on my replies")).toBeChecked();
  await user.getByLabel("Hold non-urgent texts during quiet hours").uncheck();
  await user.getByRole("button", { name: "Save preferences" }).click();
  await expect(user.getByText("Preferences saved.")).toBeVisible();

  const title = `Call Ana ${Date.now() % 10_000}`;
  const dueLocal = await user.evaluate(() => {
    const due = new Date(Date.now() + 30 * 60_000);
    return new Date(due.getTime() - due.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  });
  await user.goto("/tasks");
  await user.getByLabel("Title").fill(title);
  await user.getByLabel("Due").fill(dueLocal);
  await user.getByRole("button", { name: "Add task" }).click();
  await expect(user.getByText(title)).toBeVisible();

  // The reminders cron ticks (the executor's test clock moves on) and the reminder reaches the phone.
  expect((await userContext.request.post(`${executor}/v0/clock/advance`, { data: { ms: 5 * 60_000 } })).status()).toBe(200);
  await expect
    .poll(async () => (await sandboxTextsTo(userContext.request, phone.e164)).filter((m) => m.body.includes(title)).map((m) => [m.status, m.body]), {
      timeout: 60_000,
    })
    .toEqual([["delivered", expect.stringMatching(new RegExp(`^BuildOS: ${title} is due (tomorrow )?at .*Reply DONE or SNOOZE\\.$`))]]);

  // The admin's sandbox phone shows the reminder; its DONE quick reply answers it.
  const adminContext = await browser.newContext({ locale: "en-US", timezoneId: "America/New_York", viewport: { width: 390, height: 844 } });
  const admin = await adminContext.newPage();
  await signIn(admin, E2E_ADMIN);
  await admin.goto("/admin/sandbox");
  const card = admin.getByTestId(`phone-${phone.e164}`);
  await expect(card.getByRole("list")).toContainText(title, { timeout: 30_000 });
  await card.getByRole("button", { name: "Reply DONE" }).click();
  await expect(card.getByRole("list")).toContainText(`Done: ${title}.`);
  await expect(card.getByTestId("sandbox-did").last()).toHaveText(`In the app: Completed "${title}".`);

  // The user's task list says it was completed by text; their replies say what DONE did.
  await user.goto("/tasks");
  await expect(user.getByRole("listitem").filter({ hasText: title }).getByTestId("task-completed")).toHaveText(" · completed by text");
  await user.goto("/settings/sms");
  await expect(user.getByTestId("reply-item").first()).toContainText("DONE");
  await expect(user.getByTestId("reply-did").first()).toHaveText(`Completed "${title}".`);

  // The admin's view of the user: the conversation both ways, at 390 px, with no serious axe findings.
  const found = await trpcCall(admin, "admin.users", { search: email }, "query");
  const userId = found.body.result.data.json.items[0].id as string;
  await admin.goto(`/admin/users/${userId}`);
  await expect(admin.getByTestId("conversation-out").filter({ hasText: title })).toBeVisible();
  await expect(admin.getByTestId("conversation-in").filter({ hasText: "DONE" }).getByTestId("conversation-did")).toHaveText(`Completed "${title}".`);
  await admin.waitForLoadState("networkidle");
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  for (const url of [`/admin/users/${userId}`, "/admin/sandbox"]) {
    await admin.goto(url);
    await admin.waitForLoadState("networkidle");
    const results = await new AxeBuilder({ page: admin }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const serious = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} — ${v.help}`));
    expect(serious, url).toEqual([]);
  }
  await userContext.close();
  await adminContext.close();
});

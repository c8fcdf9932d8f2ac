import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_EXECUTOR_PORT, E2E_SANDBOX_PORT } from "../playwright.config";
import { sandboxTextsTo, signIn, signUp, uniqueEmail } from "./helpers";

const sandbox = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;
const executor = `http://127.0.0.1:${E2E_EXECUTOR_PORT}`;

let numberSequence = 0;
/** A valid US number the sandbox delivers to (555-01xx numbers are set aside for fiction), new for each use. */
function usNumber() {
  const n = (Date.now() + numberSequence++) % 100;
  const area = ["206", "312", "415", "617", "303"][numberSequence % 5];
  return { e164: `+1${area}55501${String(n).padStart(2, "0")}`, typed: `(${area}) 555-01${String(n).padStart(2, "0")}` };
}

/** The pending Verify code for a number, as the sandbox exposes it (a real phone would receive it). */
async function codeFor(request: APIRequestContext, to: string): Promise<string> {
  const response = await request.get(`${sandbox}/__sandbox/verifications/code?to=${encodeURIComponent(to)}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { code: string }).code;
}


async function textFromPhone(request: APIRequestContext, from: string, body: string) {
  const response = await request.post(`${sandbox}/__sandbox/inbound`, { data: { from, body } });
  expect(response.status()).toBe(200);
  return (await response.json()) as { replies: string[]; responseStatus: number | null };
}

// Whole user journeys, many server round trips each: more than the default 30 s on a shared machine.
test.describe.configure({ timeout: 120_000 });

async function sendCode(page: Page, typed: string) {
  await page.getByLabel("Phone number").fill(typed);
  await page.getByRole("button", { name: "Send code" }).click();
}

test("a new user verifies a number, sets preferences, and stops and restarts texts from the phone", async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: "America/Chicago", locale: "en-US" });
  const page = await context.newPage();
  const request = context.request;
  await signUp(page, { name: "Nia", email: uniqueEmail("nia"), password: "nia-password-1" });

  // The time zone defaults to the browser's on the first visit; the country to the browser's region.
  await expect(page.getByRole("combobox", { name: "Time zone" })).toHaveValue(/^America\/Chicago \(UTC−0[56]:00\)$/);
  await expect(page.getByLabel("Country")).toHaveValue("US");
  await expect(page.getByTestId("consent-text").first()).toContainText("Msg & data rates may apply");

  // A bad number gets its message and nothing is sent.
  await sendCode(page, "206 555");
  await expect(page.getByText("This phone number is too short for United States (+1)")).toBeVisible();
  await sendCode(page, "+49 1511 2345678");
  await expect(page.getByText("We can only text phone numbers in United States and Canada; this one is in Germany.")).toBeVisible();

  const phone = usNumber();
  await sendCode(page, phone.typed);
  await expect(page.getByTestId("code-sent")).toContainText(`We texted a code to ${phone.e164.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, "+1 $1 $2 $3")}`);
  await expect(page.getByRole("button", { name: /^Resend code in 0:[0-3]\d$/ })).toBeDisabled();

  const code = await codeFor(request, phone.e164);
  await page.getByLabel("Verification code").fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not right. Check the latest text and try again.")).toBeVisible();

  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("verified-phone")).toContainText("Texts go to +1");

  // The opt-in confirmation reaches the phone (the sandbox) and the history.
  await expect
    .poll(async () => (await sandboxTextsTo(request, phone.e164)).map((m) => [m.status, m.body]), { timeout: 30_000 })
    .toContainEqual(["delivered", expect.stringMatching(/^BuildOS SMS: .*Msg & data rates may apply\. Reply HELP for help, STOP to cancel\.$/)]);
  const welcome = page.getByTestId("message").filter({ hasText: "Msg & data rates may apply" });
  await expect(async () => {
    await page.reload();
    await expect(welcome).toContainText("Delivered", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await welcome.getByRole("button", { name: "Show timeline" }).click();
  await expect(welcome.getByRole("list", { name: "Timeline" })).toContainText("Requested");
  await expect(welcome.getByRole("list", { name: "Timeline" })).toContainText("Delivered");

  // Preferences survive a reload.
  await page.getByLabel("Hold non-urgent texts during quiet hours").uncheck();
  await page.getByLabel("Reminder lead time").selectOption("60");
  await page.getByLabel("Daily brief", { exact: true }).check();
  // Twelve hours from now in Lisbon, so the brief never falls in the sweep's window during the
  // test: run near the default 08:00 it would be requested too, and it names the task below.
  const briefTime = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Lisbon", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(Date.now() + 12 * 3_600_000),
  );
  await page.getByLabel("Daily brief time").fill(briefTime);
  await page.getByLabel("Quiet hours start").fill("22:30");
  await page.getByLabel("Daily limit").fill("12");
  await page.getByRole("combobox", { name: "Time zone" }).fill("lisbon");
  await page.getByRole("option", { name: /Europe\/Lisbon/ }).click();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText("Preferences saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Daily brief", { exact: true })).toBeChecked();
  await expect(page.getByLabel("Daily brief time")).toHaveValue(briefTime);
  await expect(page.getByLabel("Quiet hours start")).toHaveValue("22:30");
  await expect(page.getByLabel("Daily limit")).toHaveValue("12");
  await expect(page.getByRole("combobox", { name: "Time zone" })).toHaveValue(/^Europe\/Lisbon/);
  await expect(page.getByLabel("Hold non-urgent texts during quiet hours")).not.toBeChecked();

  // A task due soon gets its reminder once the reminders cron ticks: the executor's test clock
  // moves five minutes on instead of the test waiting for the next real tick.
  const dueLocal = await page.evaluate(() => {
    const due = new Date(Date.now() + 30 * 60_000);
    return new Date(due.getTime() - due.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  });
  await page.goto("/tasks");
  await page.getByLabel("Title").fill("Send the site photos");
  await page.getByLabel("Due").fill(dueLocal);
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByText("Send the site photos")).toBeVisible();
  const advanced = await request.post(`${executor}/v0/clock/advance`, { data: { ms: 5 * 60_000 } });
  expect(advanced.status()).toBe(200);
  await expect
    .poll(async () => (await sandboxTextsTo(request, phone.e164)).filter((m) => m.body.includes("Send the site photos")).map((m) => m.status), {
      timeout: 60_000,
    })
    .toEqual(["delivered"]);
  await page.goto("/settings/sms");
  await expect(page.getByTestId("message").filter({ hasText: "Send the site photos" })).toBeVisible();

  // STOP from the phone: the page says when and how, and how to undo it.
  const stop = await textFromPhone(request, phone.e164, "STOP");
  expect(stop.replies[0]).toMatch(/You are unsubscribed/);
  await page.reload();
  await expect(page.getByTestId("texts-switch")).toContainText("Texts are off. You replied STOP from your phone on");
  await expect(page.getByTestId("texts-switch")).toContainText("reply START to any of our texts, or turn them back on here");

  // START from the phone: texts are back, and the page says so after a reload.
  await textFromPhone(request, phone.e164, "START");
  await page.reload();
  await expect(page.getByTestId("texts-switch")).toContainText("Texts are on. You turned them back on by replying START on");

  // Stop from the page, then back on from the page.
  await page.getByRole("button", { name: "Stop all texts" }).click();
  await expect(page.getByTestId("texts-switch")).toContainText("You stopped all texts on this page on");
  await page.getByRole("button", { name: "Turn texts back on" }).click();
  await expect(page.getByTestId("texts-switch")).toContainText("You turned them back on here on");
  await context.close();
});

test("too many wrong codes gets a message saying how long to wait", async ({ page }) => {
  await signUp(page, { name: "Oto", email: uniqueEmail("oto"), password: "oto-password-1" });
  const phone = usNumber();
  await sendCode(page, phone.typed);
  await expect(page.getByTestId("code-sent")).toBeVisible();
  const code = await codeFor(page.request, phone.e164);
  const wrong = code === "000000" ? "111111" : "000000";
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Verification code").fill(wrong);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByText("That code is not right.")).toBeVisible();
    // The message stays between tries; wait for the request to finish before the next one.
    await expect(page.getByRole("button", { name: "Verify" })).toBeEnabled();
  }
  await page.getByLabel("Verification code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText(/^Too many wrong codes\. You can ask for a new code in \d+ minutes?\.$/)).toBeVisible();

  // "Use a different number" goes back to the number form.
  await page.getByRole("button", { name: "Use a different number" }).click();
  await expect(page.getByLabel("Phone number")).toBeVisible();
});

test("at 390×844 every page fits without sideways scrolling and Sign out stays in view", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const email = uniqueEmail("a-rather-long-address-for-a-narrow-screen");
  await signUp(page, { name: "Pia", email, password: "pia-password-1" });
  await page.goto("/tasks");
  await page.getByLabel("Title").fill("A task with a fairly long title that has to wrap on a phone screen");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByText("A task with a fairly long title")).toBeVisible();

  for (const path of ["/settings/sms", "/tasks", "/help", "/admin"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBe(0);
    const signOut = page.getByRole("button", { name: "Sign out" });
    await expect(signOut, path).toBeInViewport({ ratio: 1 });
  }
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  for (const path of ["/sign-in", "/sign-up"]) {
    await page.goto(path);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), path).toBe(0);
  }

  // The admin's tables scroll inside their card; the page itself does not.
  await signIn(page, E2E_ADMIN);
  await page.goto("/admin/templates");
  await expect(page.getByRole("cell", { name: "welcome_sms" })).toBeAttached();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport({ ratio: 1 });
  await context.close();
});

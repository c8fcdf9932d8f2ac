import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { gotoSettled, signIn, signUp, uniqueEmail } from "./helpers";

// axe walks every node of several pages per test: more than the default 30 s on a shared two-core machine.
test.describe.configure({ timeout: 180_000 });

/** axe's serious and critical findings on the page as it is now, one line each (rule, impact, where). */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")} — ${v.help}`));
}

async function expectAccessible(page: Page, path: string) {
  await gotoSettled(page, path);
  expect(await seriousViolations(page), path).toEqual([]);
}

test("every page has no serious or critical accessibility violations, signed out", async ({ page }) => {
  for (const path of ["/sign-in", "/sign-up", "/help", "/no-such-page"]) await expectAccessible(page, path);
});

test("every page has no serious or critical accessibility violations, as a user", async ({ page }) => {
  await signUp(page, { name: "Quinn", email: uniqueEmail("quinn"), password: "quinn-password-1" });
  await page.goto("/tasks");
  await page.getByLabel("Title").fill("Check the accessibility");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByText("Check the accessibility")).toBeVisible();

  for (const path of ["/settings/sms", "/tasks", "/help", "/admin"]) await expectAccessible(page, path);

  // States that only appear after interaction: errors, the open time-zone list, a task being edited.
  await page.goto("/settings/sms");
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText("Enter your phone number")).toBeVisible();
  await page.getByLabel("Daily limit").fill("0");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText("Daily limit must be at least 1")).toBeVisible();
  await page.getByRole("combobox", { name: "Time zone" }).fill("new york");
  await expect(page.getByRole("option", { name: /America\/New_York/ })).toBeVisible();
  expect(await seriousViolations(page), "settings with errors and an open list").toEqual([]);

  await page.goto("/tasks");
  await page.getByRole("button", { name: "Edit Check the accessibility" }).click();
  await expect(page.getByRole("button", { name: "Save task" })).toBeVisible();
  expect(await seriousViolations(page), "tasks while editing").toEqual([]);
});

test("every page has no serious or critical accessibility violations, as an admin", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  for (const path of ["/admin", "/settings/sms", "/tasks", "/help"]) await expectAccessible(page, path);
});

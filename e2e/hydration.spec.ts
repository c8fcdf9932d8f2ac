import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { signIn, signUp, uniqueEmail } from "./helpers";

/** Uncaught errors and console errors a page raises (hydration mismatches are reported this way). */
function collectErrors(page: Page) {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return errors;
}

test("the app's pages hydrate without errors, with times shown in the reader's zone", async ({ browser }) => {
  // A browser zone far from the server's UTC makes any server/browser formatting difference visible.
  const context = await browser.newContext({ timezoneId: "Pacific/Auckland", locale: "en-NZ" });
  const page = await context.newPage();
  const errors = collectErrors(page);

  await signUp(page, { name: "Hana", email: uniqueEmail("hana"), password: "hana-password-1" });
  // First visit: the browser's zone replaces the placeholder.
  await expect(page.getByRole("combobox", { name: "Time zone" })).toHaveValue(/^Pacific\/Auckland \(UTC\+1[23]:00\)$/);

  await page.goto("/tasks");
  await page.getByLabel("Title").fill("Plan the week");
  await page.getByLabel("Due").fill("2030-01-15T09:30");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByText("Plan the week")).toBeVisible();
  await page.reload();
  await expect(page.locator("time")).toHaveText(/15 Jan 2030.*9:30/i);

  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, E2E_ADMIN);
  await page.goto("/admin");
  await expect(page.getByTestId("figure-Requested")).toBeVisible();
  await page.goto("/admin/templates");
  await expect(page.getByRole("cell", { name: "welcome_sms" })).toBeVisible();

  expect(errors).toEqual([]);
  await context.close();
});

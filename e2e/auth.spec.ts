import { expect, test } from "@playwright/test";
import { signIn, signUp, uniqueEmail } from "./helpers";

test("a new user signs up, signs out and signs back in", async ({ page }) => {
  const user = { name: "Dana", email: uniqueEmail("dana"), password: "dana-password-1" };
  await signUp(page, user);
  await expect(page.getByRole("heading", { name: "SMS settings" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/settings/sms");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fsettings%2Fsms$/);

  await signIn(page, user);
  await expect(page).toHaveURL(/\/settings\/sms$/);

  // Signed in, the sign-in and sign-up pages have nothing to offer: straight to the settings.
  await page.goto("/sign-in");
  await expect(page).toHaveURL(/\/settings\/sms$/);
  await page.goto("/sign-up");
  await expect(page).toHaveURL(/\/settings\/sms$/);
});

test("sign-up and sign-in errors are clear and specific", async ({ page }) => {
  const email = uniqueEmail("erin");
  await signUp(page, { name: "Erin", email, password: "erin-password-1" });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.goto("/sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name")).toBeVisible();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();

  await page.getByLabel("Name").fill("Erin again");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("another-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
  // What was typed stays, the password too; editing makes the old error go.
  await expect(page.getByLabel("Password")).toHaveValue("another-password");
  await expect(page.getByLabel("Name")).toHaveValue("Erin again");
  await page.getByLabel("Email").fill(uniqueEmail("erin-new"));
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toHaveCount(0);

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Password")).toHaveValue("wrong-password");
  await page.getByLabel("Password").fill("erin-password-1");
  await expect(page.getByText("Email or password is incorrect.")).toHaveCount(0);
});

test("preferences save, and a bad value gets a field error and changes nothing", async ({ page }) => {
  await signUp(page, { name: "Finn", email: uniqueEmail("finn"), password: "finn-password-1" });
  const cap = page.getByLabel("Daily limit");
  await cap.fill("7");
  await page.getByRole("combobox", { name: "Time zone" }).fill("berlin");
  await page.getByRole("option", { name: /Europe\/Berlin/ }).click();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText("Preferences saved.")).toBeVisible();

  await cap.fill("500");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByText("Daily limit can be at most 50")).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Daily limit")).toHaveValue("7");
  await expect(page.getByRole("combobox", { name: "Time zone" })).toHaveValue(/^Europe\/Berlin \(UTC\+0[12]:00\)$/);
});

import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { signIn, signUp, trpcCall, uniqueEmail } from "./helpers";

test("the seeded admin signs in and sees the admin page", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page.getByRole("heading", { name: "Delivery dashboard" })).toBeVisible();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("cell", { name: "welcome_sms" })).toBeVisible();
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByText(E2E_ADMIN.email, { exact: true }).last()).toBeVisible();
});

test("a non-admin gets 403 from the admin page and from admin procedures", async ({ page }) => {
  await signUp(page, { name: "Gil", email: uniqueEmail("gil"), password: "gil-password-1" });
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("forbidden")).toContainText("Admins only");

  const users = await trpcCall(page, "admin.users", undefined, "query");
  expect(users.status).toBe(403);
  expect(users.body.error.json.data.code).toBe("FORBIDDEN");
  expect(JSON.stringify(users.body)).not.toContain(E2E_ADMIN.email);
});

test("anonymous visitors are sent to sign in, and anonymous API calls get 401", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin$/);
  const prefs = await trpcCall(page, "preferences.get", undefined, "query");
  expect(prefs.status).toBe(401);
  // The whole path and query come back, not just the section.
  await page.goto("/admin/messages?from=2026-01-01");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin%2Fmessages%3Ffrom%3D2026-01-01$/);
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin\/messages\?from=2026-01-01$/);
});

test("user A cannot read or change user B's data through the API (IDOR)", async ({ browser }) => {
  const bobPage = await (await browser.newContext()).newPage();
  await signUp(bobPage, { name: "Bob", email: uniqueEmail("bob"), password: "bob-password-1" });
  const task = await trpcCall(bobPage, "tasks.create", { title: "Bob's private task" }, "mutation");
  expect(task.status).toBe(200);
  const taskId: string = task.body.result.data.json.id;
  const bobPrefs = await trpcCall(bobPage, "preferences.get", undefined, "query");
  const bobUserId: string = bobPrefs.body.result.data.json.userId;

  const alicePage = await (await browser.newContext()).newPage();
  await signUp(alicePage, { name: "Alice", email: uniqueEmail("alice"), password: "alice-password-1" });
  const complete = await trpcCall(alicePage, "tasks.complete", { id: taskId }, "mutation");
  expect(complete.status).toBe(404);
  const list = await trpcCall(alicePage, "tasks.list", undefined, "query");
  expect(JSON.stringify(list.body)).not.toContain("Bob's private task");
  const smuggled = await trpcCall(alicePage, "preferences.update", { dailyCap: 1, userId: bobUserId }, "mutation");
  expect(smuggled.status).toBe(400);
  const message = await trpcCall(alicePage, "messages.get", { id: "00000000-0000-4000-8000-000000000000" }, "query");
  expect(message.status).toBe(404);

  const bobAfter = await trpcCall(bobPage, "tasks.list", undefined, "query");
  const bobTask = bobAfter.body.result.data.json.items.find((t: { id: string }) => t.id === taskId);
  expect(bobTask.completedAt).toBeNull();
  const bobPrefsAfter = await trpcCall(bobPage, "preferences.get", undefined, "query");
  expect(bobPrefsAfter.body.result.data.json.dailyCap).toBe(bobPrefs.body.result.data.json.dailyCap);
});

test("signing up with role=admin in the body still makes a plain user", async ({ page }) => {
  const email = uniqueEmail("mallory");
  const response = await page.request.post("/api/auth/sign-up/email", {
    data: { email, password: "mallory-password-1", name: "Mallory", role: "admin" },
  });
  expect(response.status()).toBe(200);
  expect((await response.json()).user.role).toBe("user");
  const users = await trpcCall(page, "admin.users", undefined, "query");
  expect(users.status).toBe(403);
});

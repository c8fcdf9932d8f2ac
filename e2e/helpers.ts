import { expect, type Page } from "@playwright/test";

let counter = 0;
export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}-${counter++}@e2e.test`;
}

export async function signUp(page: Page, { name, email, password }: { name: string; email: string; password: string }) {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/settings\/sms$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}

export async function signIn(page: Page, { email, password }: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}

/** Calls a tRPC procedure over HTTP with the page's session cookie, as the browser would. */
export async function trpcCall(page: Page, path: string, input: unknown, kind: "query" | "mutation") {
  const body = JSON.stringify({ json: input });
  const response =
    kind === "query"
      ? await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(body)}`)
      : await page.request.post(`/api/trpc/${path}`, { data: body, headers: { "content-type": "application/json" } });
  return { status: response.status(), body: await response.json() };
}

import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_SANDBOX_PORT } from "../playwright.config";

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

/** A live page's stream is open and has said "ready": a change from now on reaches the page without a reload. */
export async function expectLive(page: Page) {
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live");
}

/**
 * Goes to `path` and waits until the page's requests have settled for half a second. Playwright's
 * "networkidle" never comes on a live page (its event stream stays open), so the stream is left out.
 */
export async function gotoSettled(page: Page, path: string) {
  const inFlight = new Set<unknown>();
  const isStream = (url: string) => /\/api\/trpc\/(live\.mine|admin\.live)\b/.test(url);
  let lastChange = Date.now();
  const started = (request: { url(): string }) => {
    if (isStream(request.url())) return;
    inFlight.add(request);
    lastChange = Date.now();
  };
  const ended = (request: unknown) => {
    if (inFlight.delete(request)) lastChange = Date.now();
  };
  page.on("request", started);
  page.on("requestfinished", ended);
  page.on("requestfailed", ended);
  try {
    await page.goto(path);
    await expect.poll(() => inFlight.size === 0 && Date.now() - lastChange >= 500, { intervals: [100], timeout: 20_000 }).toBe(true);
  } finally {
    page.off("request", started);
    page.off("requestfinished", ended);
    page.off("requestfailed", ended);
  }
}

/** Texts the e2e sandbox has accepted for a number (what the phone would receive), with their status. */
export async function sandboxTextsTo(request: APIRequestContext, to: string) {
  const response = await request.get(`http://127.0.0.1:${E2E_SANDBOX_PORT}/__sandbox/messages?to=${encodeURIComponent(to)}`);
  expect(response.status()).toBe(200);
  const { messages } = (await response.json()) as { messages: { to: string; body: string; status: string }[] };
  return messages.filter((m) => m.to === to);
}

import { spawn } from "node:child_process";
import { connect } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "../playwright.config";
import { signIn, signUp, uniqueEmail } from "./helpers";

const port = Number(process.env.E2E_PORT ?? 3100);

/**
 * Uncaught errors and console errors (CSP violations are reported this way). The browser also
 * logs the status of a page served as 403 or 404 on purpose; those lines are not errors here.
 */
function collectErrors(page: Page) {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    const expectedStatus = /^Failed to load resource: the server responded with a status of 40[34] /.test(message.text());
    if (message.type() === "error" && !expectedStatus) errors.push(`${page.url()}: ${message.text()}`);
  });
  return errors;
}

test.describe("sign-in redirects", () => {
  const user = { name: "Rita", email: uniqueEmail("rita"), password: "rita-harbor-lantern-9" };

  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    await signUp(page, user);
    await page.close();
  });

  for (const next of ["%2F%5C127.0.0.1%3A9999%2Fx", "%2F%09%2F127.0.0.1%3A9999%2Fx", "%2F%0A%2F127.0.0.1%3A9999%2Fx", "%2F.%2F%2F127.0.0.1%3A9999%2Fx"]) {
    test(`never leave the site for next=${next}`, async ({ page }) => {
      await page.goto(`/sign-in?next=${next}`);
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Password").fill(user.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("signed-in-as")).toHaveText(user.email);
      expect(new URL(page.url()).origin).toBe(`http://localhost:${port}`);
      await expect(page).toHaveURL(/\/settings\/sms$/);
    });
  }

  test("follow a next path on this site", async ({ page }) => {
    await page.goto("/tasks");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Ftasks$/);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/tasks$/);
    await expect(page.getByRole("heading", { name: "Tasks", exact: true })).toBeVisible();
  });
});

test.describe("auth forms without scripts", () => {
  test.use({ javaScriptEnabled: false });

  test("post, never put the password in a URL, and still sign up and in", async ({ page }) => {
    const user = { name: "Nora", email: uniqueEmail("nora"), password: "nora-quiet-meadow-4" };
    const urls: string[] = [];
    page.on("request", (request) => urls.push(request.url()));

    await page.goto("/sign-up");
    await expect(page.locator("form")).toHaveAttribute("method", /^post$/i);
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("12345678");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("This is one of the most common passwords.", { exact: false })).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveValue(user.email);

    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/settings\/sms$/);
    await expect(page.getByTestId("signed-in-as")).toHaveText(user.email);

    await page.context().clearCookies();
    await page.goto("/sign-in?next=%2Ftasks");
    await expect(page.locator("form")).toHaveAttribute("method", /^post$/i);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("not-my-password-at-all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/tasks$/);

    for (const url of urls) {
      expect(url).not.toContain(encodeURIComponent(user.password));
      expect(url).not.toContain("password=");
    }
  });

  test("refuse an oversized form post with 413", async ({ page }) => {
    await page.goto("/sign-up");
    // The fields React adds so the post reaches the server action without scripts.
    const hidden = await page
      .locator('form input[type="hidden"]')
      .evaluateAll((inputs) => inputs.map((input) => [(input as HTMLInputElement).name, (input as HTMLInputElement).value]));
    expect(hidden.some(([name]) => name!.startsWith("$ACTION_"))).toBe(true);
    const response = await page.request.post("/sign-up", {
      multipart: { ...Object.fromEntries(hidden), name: "x".repeat(200 * 1024), email: uniqueEmail("big"), password: "nora-quiet-meadow-4" },
      headers: { origin: `http://localhost:${port}` },
    });
    expect(response.status()).toBe(413);
    expect(await response.text()).toBe("The request body is too large: at most 16 KiB is accepted here.");
  });
});

test("every page carries a nonce CSP, and renders with no CSP or console errors", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = collectErrors(page);
  const visit = async (path: string, status = 200) => {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(status);
    const headers = response!.headers();
    expect(headers["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("same-origin");
    await page.waitForLoadState("load");
  };

  await visit("/sign-in");
  await visit("/sign-up");
  await visit("/help");
  await visit("/no-such-page", 404);
  await signUp(page, { name: "Cleo", email: uniqueEmail("cleo"), password: "cleo-orchard-velvet-3" });
  await visit("/settings/sms");
  await visit("/tasks");
  // Hydrated (the client handles a submit): scripts ran under the policy.
  await page.getByLabel("Title").fill("Under CSP");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByText("Under CSP")).toBeVisible();
  await visit("/admin", 403);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, E2E_ADMIN);
  await visit("/admin");
  await expect(page.getByRole("heading", { name: "Delivery dashboard" })).toBeVisible();
  await visit("/admin/templates");
  await expect(page.getByRole("cell", { name: "welcome_sms" })).toBeVisible();
  for (const path of ["/admin/messages", "/admin/test-send", "/admin/users", "/admin/sandbox"]) await visit(path);

  const api = await page.request.get("/api/health");
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(errors).toEqual([]);
  await context.close();
});

test.describe("request bodies over the limit", () => {
  test("are refused with 413 and a clear message on tRPC and auth", async ({ request }) => {
    const trpc = await request.post("/api/trpc/tasks.create", {
      data: JSON.stringify({ json: { title: "x".repeat(200 * 1024) } }),
      headers: { "content-type": "application/json" },
    });
    expect(trpc.status()).toBe(413);
    expect((await trpc.json()).error.message).toBe("The request body is too large: at most 64 KiB is accepted here.");
    const auth = await request.post("/api/auth/sign-up/email", {
      data: { name: "x".repeat(1024 * 1024), email: uniqueEmail("huge"), password: "huge-orchard-velvet-3" },
    });
    expect(auth.status()).toBe(413);
    expect((await auth.json()).error.message).toBe("The request body is too large: at most 16 KiB is accepted here.");
  });

  test("a chunked webhook body gets 413 and the connection is closed cleanly, not left to hang", async () => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString()));
    const ended = new Promise<"end" | "error">((resolve) => {
      socket.on("end", () => resolve("end"));
      socket.on("error", () => resolve("error"));
    });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    // 128 KiB in chunks (no Content-Length to check up front), twice the webhook bound.
    const chunk = "x".repeat(16 * 1024);
    socket.write(
      "POST /api/webhooks/twilio/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
        "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n" +
        `${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(8) +
        "0\r\n\r\n",
    );
    await expect.poll(() => received, { timeout: 10_000 }).toContain("\r\n\r\n");
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received.toLowerCase()).toContain("connection: close");
    // The server ends the connection itself (a FIN, not a reset), so a client never queues its
    // next request behind the unread body. Kept alive, the socket would never end: the wait is
    // bounded so that failure shows as "open" rather than as the test's own timeout.
    const outcome = await Promise.race([ended, new Promise<"open">((resolve) => setTimeout(() => resolve("open"), 5_000))]);
    expect(outcome).toBe("end");
    expect(received).toContain("The request body is too large: at most 64 KiB is accepted here.");
    socket.destroy();
  });
});

test("next start with a bad configuration exits at once with the configuration error", async () => {
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port + 5)], {
    env: { ...process.env, NODE_ENV: "production", PUBLIC_URL: "not a url", INNGEST_DEV: "1", PGLITE_DATA_DIR: ".data/e2e/bad-config" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
  expect(code).toBe(1);
  expect(output).toContain("Invalid configuration");
  expect(output).toContain("PUBLIC_URL: must be the absolute URL");
});

import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
/** The stand-ins' ports follow E2E_PORT so two checkouts can run their e2e suites side by side. */
export const E2E_SANDBOX_PORT = port + 10;
export const E2E_EXECUTOR_PORT = port + 20;
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

/**
 * End-to-end against the production build (`next start`) on the embedded defaults:
 * PGlite in its own data dir, the local Twilio sandbox and the local Inngest executor,
 * driven in Debian's Chromium. No retries: a flaky test is a bug to fix, not to hide.
 */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  // Its own folder: Playwright empties outputDir at start, and test-results/reports holds the other runners' reports.
  outputDir: "test-results/playwright",
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "node_modules/.bin/tsx scripts/dev.ts --prod",
    url: `http://localhost:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      PGLITE_DATA_DIR: ".data/e2e/pglite",
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      TWILIO_SANDBOX_PORT: String(E2E_SANDBOX_PORT),
      INNGEST_EXECUTOR_PORT: String(E2E_EXECUTOR_PORT),
      INNGEST_EXECUTOR_DATA_DIR: ".data/e2e/inngest-executor",
      LOG_LEVEL: "warn",
      // Every test signs up fresh users from 127.0.0.1, faster than the default per-IP limit allows.
      AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    },
  },
});

/**
 * Production smoke test: the build a deployer runs, configured as production is. It lays out
 * Next's standalone output as the Dockerfile does (`.next/standalone` plus `.next/static`, copied
 * into a directory of their own, so nothing resolves from this checkout), starts
 * `node server.js` there with NODE_ENV=production, PostgreSQL, an explicit SMS_PROVIDER pointing
 * at a Twilio sandbox process, Inngest keys, PUBLIC_URL and the local executor as the Inngest
 * server — every setting given explicitly, nothing inherited from this process's environment —
 * then signs a user up and in over HTTP, verifies a phone and follows the opt-in confirmation
 * text to `delivered`.
 *
 * Needs a production build (`next build`; scripts/test-all.sh runs this after the end-to-end
 * stage, which builds) and TEST_DATABASE_URL. Ports: SMOKE_PORT (3400) for the app, +10 the
 * sandbox, +20 the executor.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEventKey, generateSigningKey } from "@/local/inngest-executor/signing";
import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";
import { appEnvForLocalExecutor, appEnvForSandbox, executorEnv, sandboxEnv } from "@/scripts/lib/stand-ins";
import { CookieJar } from "@/tests/helpers/cookie-jar";

const appPort = Number(process.env.SMOKE_PORT ?? 3400);
const sandboxPort = appPort + 10;
const executorPort = appPort + 20;
const publicUrl = `http://127.0.0.1:${appPort}`;
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
const executorUrl = `http://127.0.0.1:${executorPort}`;

const children: ChildProcess[] = [];
const output: string[] = [];
let workDir = "";
let dropDatabase: (() => Promise<void>) | undefined;

/** Starts a process whose output is kept (and printed if the test fails), stopped in afterAll. */
function start(name: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const child = spawn(process.execPath, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (chunk: Buffer) => output.push(...chunk.toString().trimEnd().split("\n").map((line) => `[${name}] ${line}`));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.on("exit", (code, signal) => output.push(`[${name}] exited (${signal ?? code})`));
  children.push(child);
  return child;
}

/** Polls `probe` until it gives a value; a timeout names the last thing it saw (a value or an error). */
async function until<T>(what: string, probe: (seen: <V>(value: V) => V) => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  const seen = <V,>(value: V): V => {
    last = value;
    return value;
  };
  for (;;) {
    const value = await probe(seen).catch((error: unknown) => {
      last = error instanceof Error ? error.message : error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}\n${output.slice(-40).join("\n")}`);
    }
    await sleep(250);
  }
}

async function freshDatabase(): Promise<string> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: the production smoke test runs on PostgreSQL (bash scripts/start-postgres.sh prints one)");
  const name = `smoke_${randomBytes(6).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  dropDatabase = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/** The image's layout (Dockerfile, runtime stage): the standalone server with the static assets beside it. */
function layOutStandaloneBuild(): string {
  if (!existsSync(".next/standalone/server.js")) throw new Error("no standalone build: run `next build` first");
  const dir = mkdtempSync(path.join(tmpdir(), "buildos-smoke-"));
  const app = path.join(dir, "app");
  cpSync(".next/standalone", app, { recursive: true, verbatimSymlinks: true });
  cpSync(".next/static", path.join(app, ".next/static"), { recursive: true });
  return dir;
}

const jar = new CookieJar();

async function call(method: "GET" | "POST", url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { origin: publicUrl, cookie: jar.header(), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  jar.store(response);
  return { status: response.status, json: await response.json() };
}

async function trpc<T>(kind: "query" | "mutation", procedure: string, input?: unknown): Promise<T> {
  const url = `${publicUrl}/api/trpc/${procedure}`;
  const { status, json } =
    kind === "query"
      ? await call("GET", input === undefined ? url : `${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
      : await call("POST", url, { json: input ?? null });
  expect(status, `${procedure}: ${JSON.stringify(json)}`).toBe(200);
  return (json as { result: { data: { json: T } } }).result.data.json;
}

describe("the standalone production server", () => {
  beforeAll(async () => {
    workDir = layOutStandaloneBuild();
    const databaseUrl = await freshDatabase();
    const account = generateSandboxCredentials();
    const inngestKeys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };
    const tsx = ["--import", "tsx"];

    start("sandbox", [...tsx, "local/twilio-sandbox/main.ts"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        ...sandboxEnv(account),
        TWILIO_SANDBOX_PORT: String(sandboxPort),
        TWILIO_SANDBOX_INBOUND_URL: `${publicUrl}/api/webhooks/twilio/inbound`,
        TWILIO_SANDBOX_DELIVERY_DELAY_MS: "50",
      },
    });
    start("executor", [...tsx, "local/inngest-executor/main.ts"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        ...executorEnv(inngestKeys),
        INNGEST_EXECUTOR_PORT: String(executorPort),
        INNGEST_EXECUTOR_APP_URL: `${publicUrl}/api/inngest`,
        INNGEST_EXECUTOR_DATA_DIR: path.join(workDir, "executor"),
        INNGEST_EXECUTOR_LOG_LEVEL: "warn",
        // Re-sync soon after the app is up (it starts after the executor's first attempt).
        INNGEST_EXECUTOR_RESYNC_MS: "3000",
      },
    });
    // Only what a deployer sets (README, production checklist): no inherited variables.
    start("app", ["server.js"], {
      cwd: path.join(workDir, "app"),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        PORT: String(appPort),
        HOSTNAME: "127.0.0.1",
        PUBLIC_URL: publicUrl,
        DATABASE_URL: databaseUrl,
        BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
        ...appEnvForSandbox(account, sandboxUrl),
        ...appEnvForLocalExecutor(inngestKeys, executorUrl),
        LOG_LEVEL: "warn",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    });
    await until("the sandbox", async () => ((await fetch(`${sandboxUrl}/__sandbox/health`)).ok ? true : undefined));
    await until("the app's /api/health", async () => ((await fetch(`${publicUrl}/api/health`)).ok ? true : undefined), 120_000);
    // As after a deploy's sync: an event sent before the engine knows the app's functions starts nothing.
    await until("the executor to sync the app's functions", async (seen) => {
      const { functions } = (await (await fetch(`${executorUrl}/v0/functions`)).json()) as { functions: Array<{ id: string }> };
      const ids = seen(functions.map((f) => f.id));
      return ["buildos-sms-send-sms", "buildos-sms-dispatch-message"].every((id) => ids.includes(id)) ? true : undefined;
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
          }),
      ),
    );
    await dropDatabase?.();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it("reports production's modes in /api/health", async () => {
    const { status, json } = await call("GET", `${publicUrl}/api/health`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      ok: true,
      database: { mode: "postgres", ok: true },
      sms: { provider: "sandbox" },
      durableExecution: { mode: "local-executor" },
    });
  });

  it("serves a page and its static assets from the image's layout", async () => {
    const page = await fetch(`${publicUrl}/sign-in`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/\/_next\/static\/[^"'\s]+?\.(?:js|css)/g)].map((match) => match[0]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of new Set(assets)) expect((await fetch(`${publicUrl}${asset}`)).status, asset).toBe(200);
  });

  it("signs a user in, verifies a phone and follows the opt-in confirmation to delivered", async () => {
    const email = `smoke-${Date.now()}@example.test`;
    const password = "smoke-test-password-9";
    const signUp = await call("POST", `${publicUrl}/api/auth/sign-up/email`, { name: "Smoke", email, password });
    expect(signUp.status, JSON.stringify(signUp.json)).toBe(200);
    await call("POST", `${publicUrl}/api/auth/sign-out`, {});
    expect(jar.names().some((name) => name.includes("session_token"))).toBe(false);

    const signIn = await call("POST", `${publicUrl}/api/auth/sign-in/email`, { email, password });
    expect(signIn.status, JSON.stringify(signIn.json)).toBe(200);
    expect(await trpc<{ email: string }>("query", "session.me")).toMatchObject({ email });

    const phone = "+14155550123";
    await trpc("mutation", "sms.sendCode", { country: "US", phone: "(415) 555-0123" });
    const code = await until("the verification code at the sandbox", async () => {
      const response = await fetch(`${sandboxUrl}/__sandbox/verifications/code?to=${encodeURIComponent(phone)}`);
      return response.ok ? ((await response.json()) as { code: string }).code : undefined;
    });
    await trpc("mutation", "sms.verifyCode", { code });

    type Page = { items: Array<{ status: string; body: string }> };
    const delivered = await until("the opt-in confirmation to be delivered", async (seen) => {
      const page = seen(await trpc<Page>("query", "messages.list", { limit: 10 }));
      return page.items.length === 1 && page.items[0]!.status === "delivered" ? page.items[0] : undefined;
    });
    // The sandbox holds the same one text, delivered: it went through Twilio's API and came back as callbacks.
    const atSandbox = (await (await fetch(`${sandboxUrl}/__sandbox/messages?to=${encodeURIComponent(phone)}`)).json()) as {
      messages: Array<{ to: string; body: string; status: string }>;
    };
    expect(atSandbox.messages.filter((m) => m.to === phone)).toEqual([expect.objectContaining({ status: "delivered", body: delivered.body })]);
  }, 120_000);
});

import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { vi } from "vitest";
import postgres from "postgres";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import type { Executor } from "@/local/inngest-executor";
import type * as ServerDb from "@/server/db";
import { appEnvForLocalExecutor, appEnvForSandbox } from "@/scripts/lib/stand-ins";
import { startTestExecutor, tempDir, TEST_KEYS } from "../integration/executor/harness";
import { SANDBOX_ACCOUNT_SID, SANDBOX_API_KEY_SECRET, SANDBOX_API_KEY_SID, SANDBOX_AUTH_TOKEN } from "./sandbox-account";
import { serveFetchHandler } from "./webhook-server";

/**
 * The app's real route handlers (app/api/...), configured the way `npm run dev` configures them
 * (this run's own Inngest keys and sandbox account, through the same scripts/lib/stand-ins.ts),
 * served on 127.0.0.1 next to a real Twilio sandbox and, optionally, a real local executor.
 *
 * The app's configuration and database handle are per process, so a test file starts one of these.
 * Its database is PostgreSQL when TEST_DATABASE_URL is set (a fresh database), PGlite otherwise.
 */
export interface AppUnderTest {
  /** http://127.0.0.1:<port>, also the app's PUBLIC_URL. */
  url: string;
  sandbox: TwilioSandbox;
  executor: Executor | undefined;
  db: typeof ServerDb;
  /** A raw HTTP request to the app, with any Host header (fetch cannot forge one). */
  raw(options: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

type RouteModule = Partial<Record<"GET" | "POST" | "PUT", (req: Request) => Promise<Response> | Response>>;

const ROUTES: Record<string, () => Promise<RouteModule>> = {
  "/api/inngest": () => import("@/app/api/inngest/route") as Promise<RouteModule>,
  "/api/health": () => import("@/app/api/health/route") as Promise<RouteModule>,
  "/api/webhooks/twilio/status": () => import("@/app/api/webhooks/twilio/status/route") as Promise<RouteModule>,
  "/api/webhooks/twilio/inbound": () => import("@/app/api/webhooks/twilio/inbound/route") as Promise<RouteModule>,
};

export async function startAppUnderTest(options: { executor?: boolean } = {}): Promise<AppUnderTest> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    vi.unstubAllEnvs();
  };
  try {
    const dir = tempDir("app-under-test-");
    closers.push(async () => dir.remove());

    const app = await serveFetchHandler(async (req) => {
      const load = ROUTES[new URL(req.url).pathname];
      const handler = load ? (await load())[req.method as "GET" | "POST" | "PUT"] : undefined;
      return handler ? handler(req) : new Response("not found", { status: 404 });
    });
    closers.push(app.close);

    const sandbox = createTwilioSandbox({
      accountSid: SANDBOX_ACCOUNT_SID,
      authToken: SANDBOX_AUTH_TOKEN,
      apiKeys: [{ sid: SANDBOX_API_KEY_SID, secret: SANDBOX_API_KEY_SECRET }],
      port: 0,
      deliveryDelayMs: 20,
      log: () => undefined,
    });
    await sandbox.start();
    closers.push(() => sandbox.stop());

    const started = options.executor ? await startTestExecutor({ retryBackoffMs: () => 50 }) : undefined;
    if (started) closers.push(started.close);

    const database = await freshDatabase(dir.path);
    closers.push(database.drop);

    const settings: Record<string, string> = {
      NODE_ENV: "production",
      PUBLIC_URL: app.url,
      LOG_LEVEL: process.env.APP_TEST_LOG_LEVEL ?? "silent",
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      ADMIN_EMAIL: "admin@app-under-test.test",
      ADMIN_PASSWORD: randomBytes(12).toString("hex"),
      ...database.settings,
      ...appEnvForSandbox(
        { accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, apiKeySid: SANDBOX_API_KEY_SID, apiKeySecret: SANDBOX_API_KEY_SECRET },
        sandbox.url,
      ),
      ...appEnvForLocalExecutor(TEST_KEYS, started?.executor.url ?? "http://127.0.0.1:9"),
    };
    for (const [key, value] of Object.entries(settings)) vi.stubEnv(key, value);

    const db = await import("@/server/db");
    await db.dbHandle().migrate();
    closers.push(() => db.dbHandle().close());

    if (started) {
      const [synced] = await started.executor.sync(`${app.url}/api/inngest`);
      if (synced?.error) throw new Error(`the executor could not sync the app: ${synced.error}`);
    }

    return { url: app.url, sandbox, executor: started?.executor, db, raw: (o) => rawRequest(app.url, o), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function freshDatabase(dir: string): Promise<{ settings: Record<string, string>; drop: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { settings: { PGLITE_DATA_DIR: `${dir}/pglite` }, drop: async () => {} };
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    settings: { DATABASE_URL: target.toString(), DATABASE_POOL_SIZE: "5" },
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

function rawRequest(
  baseUrl: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  const target = new URL(options.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method, headers: options.headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createExecutor, type Executor } from "@/local/inngest-executor";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { quietLogger, TEST_KEYS, tempDir } from "../executor/harness";

/**
 * The stand-ins listen on loopback with unauthenticated control APIs: a web page the developer
 * has open must not reach them, by a cross-site "simple" request (text/plain, any Origin) or by
 * DNS rebinding (a foreign Host). Programs on the machine (Node's fetch: no Origin) still can.
 */
const APP_URL = "http://127.0.0.1:3999/api/inngest";

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A raw request, so Host and Origin are exactly what a browser would send. */
function send(url: string, init: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, method: init.method, path: init.path, headers: init.headers },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

let executor: Executor;
let sandbox: TwilioSandbox;
const dir = tempDir("stand-ins-closed-");

beforeAll(async () => {
  executor = createExecutor({ ...TEST_KEYS, port: 0, dataDir: dir.path, logger: quietLogger(), appUrls: [APP_URL] });
  await executor.start();
  sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, appUrls: [APP_URL], log: () => {} });
  await sandbox.start();
});

afterAll(async () => {
  await executor?.stop();
  await sandbox?.stop();
  dir.remove();
});

const hostOf = (url: string) => new URL(url).host;

describe.each([
  {
    name: "executor",
    url: () => executor.url,
    write: { path: "/v0/clock/advance", body: JSON.stringify({ ms: 60_000 }) },
    read: "/v0/functions",
    changed: async () => ((await (await fetch(`${executor.url}/health`)).json()) as { clock_offset_ms: number }).clock_offset_ms !== 0,
  },
  {
    name: "sandbox",
    url: () => sandbox.url,
    write: { path: "/__sandbox/config", body: JSON.stringify({ inboundWebhookUrl: "https://attacker.example/hook" }) },
    read: "/__sandbox/state",
    changed: async () => sandbox.state.inboundWebhookUrl !== null,
  },
])("the $name", ({ url, write, read, changed }) => {
  it("refuses a cross-origin text/plain POST and changes nothing", async () => {
    const answer = await send(url(), {
      method: "POST",
      path: write.path,
      headers: { host: hostOf(url()), origin: "https://evil.example", "content-type": "text/plain;charset=UTF-8" },
      body: write.body,
    });
    expect(answer.status).toBe(403);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(await changed()).toBe(false);
  });

  it("refuses a same-machine text/plain body (JSON only) and changes nothing", async () => {
    const answer = await send(url(), {
      method: "POST",
      path: write.path,
      headers: { host: hostOf(url()), "content-type": "text/plain" },
      body: write.body,
    });
    expect(answer.status).toBe(415);
    expect(await changed()).toBe(false);
  });

  it("refuses a foreign Host (DNS rebinding), even for reads", async () => {
    const port = new URL(url()).port;
    for (const host of [`rebind.evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, "localhost"]) {
      const answer = await send(url(), { method: "GET", path: read, headers: { host } });
      expect(answer.status, host).toBe(403);
    }
  });

  it("answers preflights without any CORS grant", async () => {
    const answer = await send(url(), {
      method: "OPTIONS",
      path: write.path,
      headers: { host: hostOf(url()), origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("serves Node's fetch (no Origin), localhost by name, and the app's own origin", async () => {
    expect((await fetch(`${url()}${read}`)).status).toBe(200);
    const port = new URL(url()).port;
    expect((await send(url(), { method: "GET", path: read, headers: { host: `localhost:${port}` } })).status).toBe(200);
    const fromApp = await send(url(), { method: "GET", path: read, headers: { host: hostOf(url()), origin: new URL(APP_URL).origin } });
    expect(fromApp.status).toBe(200);
  });
});

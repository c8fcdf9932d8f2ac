/**
 * The soak's front and tap (scripts/soak/proxy.ts): the front spreads requests over the app
 * instances and skips one that refuses connections (killed), without sending a request twice;
 * the tap passes Twilio's answers through and records each message create with its message id.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startFront, startTwilioTap } from "@/scripts/soak/proxy";

const servers: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function backend(name: string, handler?: http.RequestListener): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer(
    handler ??
      ((req, res) => {
        hits.push(req.url ?? "");
        res.writeHead(200, { "content-type": "text/plain" }).end(name);
      }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return { port: (server.address() as AddressInfo).port, hits };
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("soak front", () => {
  it("takes turns between instances", async () => {
    const [a, b] = [await backend("a"), await backend("b")];
    const front = await startFront(0, () => [a.port, b.port]);
    servers.push(front);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await (await fetch(`${front.url}/x${i}`)).text());
    expect(answers).toEqual(["a", "b", "a", "b"]);
  });

  it("skips an instance that refuses the connection, and sends each request once", async () => {
    const up = await backend("up");
    const down = await closedPort();
    const real = await startFront(0, () => [down, up.port]);
    servers.push(real);
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${real.url}/r${i}`)).text()).toBe("up");
    expect(up.hits).toEqual(["/r0", "/r1", "/r2"]);
  });

  it("answers 503 when no instance is up", async () => {
    const front = await startFront(0, () => []);
    servers.push(front);
    expect((await fetch(`${front.url}/`)).status).toBe(503);
  });
});

describe("soak tap", () => {
  it("passes the answer through and records the create's recipient, message id and SID", async () => {
    const twilio = await backend("twilio", (req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ sid: "SM123" })));
    });
    const tap = await startTwilioTap(0, twilio.port);
    servers.push(tap);
    const body = new URLSearchParams({ To: "+12065550100", Body: "hi", StatusCallback: "http://app/api/webhooks/twilio/status?m=abc" });
    const response = await fetch(`${tap.url}/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json`, { method: "POST", body });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ sid: "SM123" });
    const read = (await (await fetch(`${tap.url}/__tap/creates`)).json()) as { total: number; creates: unknown[] };
    expect(read.total).toBe(1);
    expect(read.creates[0]).toMatchObject({ to: "+12065550100", messageId: "abc", status: 201, sid: "SM123" });
  });
});

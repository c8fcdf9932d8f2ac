import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Two small HTTP proxies on 127.0.0.1:
 * - the front: round-robin over the app instances, as a load balancer would be (a request
 *   whose instance refuses the connection — killed, restarting — goes to the next one; once a
 *   request reached an instance it is never sent twice);
 * - the tap between the app and the sandbox: records every message create the app makes
 *   (when it arrived, to whom, the status callback's message id, the answer and its SID), to the
 *   millisecond, including those Twilio refused. It runs in a process of its own (tap-main.ts),
 *   so the soak's own work never delays its clock readings; GET /__tap/creates?since=N reads them.
 */
export interface Proxy {
  url: string;
  close(): Promise<void>;
}

export interface TappedCreate {
  /** Arrival at the tap (ms since epoch). */
  at: number;
  to: string;
  messageId: string | null;
  status: number | null;
  sid: string | null;
  errorCode: number | null;
}

interface Target {
  port: number;
  /** Send the target's own Host (the tap: the sandbox checks it is addressed as itself). */
  ownHost?: boolean;
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(
  target: Target,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ upstream: http.IncomingMessage } | { error: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: target.port,
        method: req.method,
        path: req.url,
        headers: target.ownHost ? { ...req.headers, host: `127.0.0.1:${target.port}` } : req.headers,
        agent: false,
      },
      (res) => resolve({ upstream: res }),
    );
    upstream.on("error", (error) => resolve({ error }));
    upstream.end(body);
  });
}

function listen(server: http.Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closer(server: http.Server) {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** Round-robin front; `ports()` is read per request, so instances can come and go. */
export async function startFront(port: number, ports: () => number[]): Promise<Proxy & { served: Map<number, number> }> {
  let turn = 0;
  const served = new Map<number, number>();
  const server = http.createServer(async (req, res) => {
    const body = await readAll(req);
    const candidates = ports();
    for (let i = 0; i < candidates.length; i++) {
      const target = candidates[(turn + i) % candidates.length]!;
      const result = await forward({ port: target }, req, body);
      if ("error" in result) {
        // Refused before the request reached the instance: safe to try the next one.
        if (result.error.code === "ECONNREFUSED") continue;
        res.destroy();
        return;
      }
      turn = (turn + i + 1) % candidates.length;
      served.set(target, (served.get(target) ?? 0) + 1);
      res.writeHead(result.upstream.statusCode ?? 502, result.upstream.headers);
      result.upstream.pipe(res);
      result.upstream.on("error", () => res.destroy());
      return;
    }
    res.writeHead(503, { "content-type": "text/plain" }).end("no app instance is up");
  });
  server.keepAliveTimeout = 30_000;
  const url = await listen(server, port);
  return { url, served, close: closer(server) };
}

/** The tap in front of the sandbox: passes everything through, records message creates. */
export async function startTwilioTap(port: number, sandboxPort: number): Promise<Proxy & { creates: TappedCreate[] }> {
  const creates: TappedCreate[] = [];
  const server = http.createServer(async (req, res) => {
    const at = Date.now();
    if (req.method === "GET" && req.url?.startsWith("/__tap/creates")) {
      const since = Number(new URL(req.url, "http://tap").searchParams.get("since") ?? 0);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ total: creates.length, creates: creates.slice(since) }));
      return;
    }
    const body = await readAll(req);
    const isCreate = req.method === "POST" && /\/Accounts\/AC[0-9a-f]+\/Messages\.json$/.test(req.url ?? "");
    let record: TappedCreate | null = null;
    if (isCreate) {
      const params = new URLSearchParams(body.toString());
      const callback = params.get("StatusCallback");
      record = {
        at,
        to: params.get("To") ?? "",
        messageId: callback ? new URL(callback).searchParams.get("m") : null,
        status: null,
        sid: null,
        errorCode: null,
      };
      creates.push(record);
    }
    const result = await forward({ port: sandboxPort, ownHost: true }, req, body);
    if ("error" in result) {
      // The sandbox cut the connection (accept-then-drop): the app sees the same.
      res.destroy();
      return;
    }
    const answer = await readAll(result.upstream).catch(() => null);
    if (answer === null) {
      res.destroy();
      return;
    }
    if (record) {
      record.status = result.upstream.statusCode ?? null;
      try {
        const parsed = JSON.parse(answer.toString()) as { sid?: string; code?: number };
        record.sid = parsed.sid ?? null;
        record.errorCode = parsed.code ?? null;
      } catch {
        // not JSON: leave empty
      }
    }
    res.writeHead(result.upstream.statusCode ?? 502, result.upstream.headers).end(answer);
  });
  const url = await listen(server, port);
  return { url, creates, close: closer(server) };
}

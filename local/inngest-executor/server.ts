import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { refuseRequest, type RequestGuardOptions } from "../request-guard";

// Minimal JSON-over-HTTP plumbing: a route table, body parsing, and uniform error replies.

export type ApiRequest = {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  header: (name: string) => string | null;
};
export type ApiReply = { status: number; body: unknown };
export type Route = { method: string; path: RegExp; handle: (request: ApiRequest) => Promise<ApiReply> };

/** A reply to send as-is, thrown from a handler (bad input, unknown id). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "body too large");
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
}

// No CORS headers: only programs on this machine call the executor (see ../request-guard.ts).
function send(response: ServerResponse, reply: ApiReply): void {
  if (reply.status === 204) {
    response.writeHead(204).end();
    return;
  }
  response.writeHead(reply.status, { "content-type": "application/json" });
  response.end(JSON.stringify(reply.body));
}

/** `guard`: who may call (the app's origins, the bound host); the port is read from the listening socket. */
export function createHttpServer(routes: readonly Route[], log: Logger, guard: Omit<RequestGuardOptions, "port">): Server {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://executor.local");
      const method = request.method ?? "GET";
      const port = () => (server.address() as AddressInfo | null)?.port ?? 0;
      const refusal = refuseRequest({ ...guard, port }, request.headers, { hasBody: method !== "GET" && method !== "HEAD", jsonOnly: true });
      if (refusal) {
        log.warn({ method, path: url.pathname, status: refusal.status }, "refused a request from outside the local stack");
        request.resume();
        return send(response, { status: refusal.status, body: { error: refusal.message, status: refusal.status } });
      }
      const route = routes.find((r) => r.method === method && r.path.test(url.pathname));
      if (!route) {
        log.warn({ method, path: url.pathname }, "no such executor endpoint");
        return send(response, { status: 404, body: { error: `no route for ${method} ${url.pathname}`, status: 404 } });
      }
      try {
        const params = (route.path.exec(url.pathname) ?? []).slice(1).map((p) => decodeURIComponent(p ?? ""));
        const body = method === "GET" ? undefined : await readBody(request);
        const header = (name: string) => {
          const value = request.headers[name.toLowerCase()];
          return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
        };
        send(response, await route.handle({ params, query: url.searchParams, body, header }));
      } catch (error) {
        if (error instanceof HttpError) {
          send(response, { status: error.status, body: { error: error.message, status: error.status } });
          return;
        }
        log.error({ err: error, method, path: url.pathname }, "executor endpoint failed");
        send(response, { status: 500, body: { error: error instanceof Error ? error.message : String(error), status: 500 } });
      }
    })();
  });
  return server;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";

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

function send(response: ServerResponse, reply: ApiReply): void {
  // The admin console may read the JSON API from the browser.
  const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type" };
  if (reply.status === 204) {
    response.writeHead(204, cors).end();
    return;
  }
  response.writeHead(reply.status, { ...cors, "content-type": "application/json" });
  response.end(JSON.stringify(reply.body));
}

export function createHttpServer(routes: readonly Route[], log: Logger): Server {
  return createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://executor.local");
      const method = request.method ?? "GET";
      if (method === "OPTIONS") return send(response, { status: 204, body: null });
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
}

import type { IncomingHttpHeaders } from "node:http";

/**
 * Who may talk to a local stand-in (the Inngest executor, the Twilio sandbox). Both listen on a
 * loopback port with no authentication on their control APIs, so the only callers they serve are
 * programs on this machine: the app, tests and scripts. A web page the developer has open is the
 * threat, in two ways:
 * - a cross-site request (`fetch` with `text/plain`, a form post) carries an `Origin` header: only
 *   the app's own origin is accepted (Node's fetch and Playwright's request send none);
 * - DNS rebinding points a site's own name at 127.0.0.1, so its requests carry that name in
 *   `Host`: only the stand-in's loopback address and port are accepted.
 * Request bodies are JSON only (a `text/plain` or form body is 415), so no "simple" cross-site
 * request can carry one. No CORS header is ever sent, so no page can read an answer.
 */
export interface RequestGuardOptions {
  /** The port the stand-in listens on (known once listening). */
  port: () => number;
  /** The host it was asked to bind, when not a wildcard: also accepted in `Host`. */
  boundHost?: string;
  /** Origins allowed to call with an `Origin` header (the app's). */
  allowedOrigins?: readonly string[];
}

export type GuardRefusal = { status: 403 | 415; message: string };

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);

function hostName(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** The `Host` values the stand-in answers to: its loopback names (and bound host) with its port. */
export function allowedHosts(options: RequestGuardOptions): Set<string> {
  const port = options.port();
  const names = [...LOOPBACK_NAMES];
  if (options.boundHost && !WILDCARDS.has(options.boundHost)) names.push(hostName(options.boundHost));
  return new Set(names.map((name) => `${name.toLowerCase()}:${port}`));
}

function originsOf(urls: readonly string[]): Set<string> {
  const origins = new Set<string>();
  for (const url of urls) {
    try {
      origins.add(new URL(url).origin);
    } catch {
      // not a URL: allows nothing
    }
  }
  return origins;
}

/**
 * Why a request must be refused, or null to serve it. `hasBody` says whether the method carries
 * a body (POST, PUT…); `jsonOnly` is false for routes that speak another format by contract
 * (the sandbox's Twilio API takes form posts, as Twilio does).
 */
export function refuseRequest(
  options: RequestGuardOptions,
  headers: IncomingHttpHeaders,
  request: { hasBody: boolean; jsonOnly: boolean },
): GuardRefusal | null {
  const host = (headers.host ?? "").toLowerCase();
  if (!allowedHosts(options).has(host)) {
    return { status: 403, message: `this local stand-in answers only requests addressed to its loopback address and port, not Host "${host}"` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !originsOf(options.allowedOrigins ?? []).has(origin)) {
    return { status: 403, message: "cross-origin requests are refused: only the app's origin may call this local stand-in" };
  }
  if (request.hasBody && request.jsonOnly && hasContent(headers) && !isJson(headers["content-type"])) {
    return { status: 415, message: "send a JSON body with Content-Type: application/json" };
  }
  return null;
}

function hasContent(headers: IncomingHttpHeaders): boolean {
  return headers["transfer-encoding"] !== undefined || Number(headers["content-length"] ?? 0) > 0;
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

import { BODY_LIMITS } from "@/common/limits";
import { payloadTooLarge, readBodyWithin, withBody } from "../http/body";
import { clientAddress, headersWithClientAddress } from "../http/client-address";
import { gateSignIn, limitClient, tooManyAttemptsMessage, type AuthAction } from "./attempt-limits";
import type { AuthDeps } from "./app-auth-deps";
import { deviceCookieHeader, issueDeviceCookie } from "./device-cookie";

/** better-auth endpoints that take a credential or change an account: limited per client. */
function limitedAction(path: string): AuthAction | null {
  if (path.startsWith("/sign-in/")) return "sign-in";
  if (path.startsWith("/sign-up/")) return "sign-up";
  const credentialPaths = ["/change-password", "/change-email", "/reset-password", "/request-password-reset", "/verify-password", "/delete-user"];
  return credentialPaths.includes(path) ? "credentials" : null;
}

function tooMany(kind: "client" | "account", decision: { retryAfterSeconds: number }) {
  return Response.json(
    { code: "TOO_MANY_REQUESTS", message: tooManyAttemptsMessage(kind, decision.retryAfterSeconds) },
    { status: 429, headers: { "retry-after": String(decision.retryAfterSeconds) } },
  );
}

function emailIn(bytes: Uint8Array): string | null {
  try {
    const body: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const email = (body as { email?: unknown } | null)?.email;
    return typeof email === "string" && email.trim() ? email : null;
  } catch {
    return null;
  }
}

/**
 * /api/auth/*: better-auth behind our checks. The body is bounded before anything parses it,
 * credential endpoints are rate-limited per believed client address and sign-in per account,
 * and better-auth sees only the address we believe.
 */
export async function handleAuthRequest(deps: AuthDeps, req: Request): Promise<Response> {
  const path = new URL(req.url).pathname.replace(/^\/api\/auth/, "");
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body = await readBodyWithin(req, BODY_LIMITS.authBytes);
    if (!body.ok) return payloadTooLarge(BODY_LIMITS.authBytes);
    bytes = body.bytes;
  }
  const address = clientAddress(req.headers, deps.trustedProxies);
  const forwarded = withBody(req, bytes, headersWithClientAddress(req.headers, address));
  const action = req.method === "POST" ? limitedAction(path) : null;
  if (!action) return deps.auth.handler(forwarded);

  const email = path === "/sign-in/email" && bytes ? emailIn(bytes) : null;
  if (!email) {
    const perClient = await limitClient(deps, action, address);
    if (!perClient.allowed) return tooMany("client", perClient);
    return deps.auth.handler(forwarded);
  }
  const gate = await gateSignIn(deps, { email, address, cookieHeader: req.headers.get("cookie") });
  if (!gate.allowed) return tooMany(gate.kind, gate);
  const response = await deps.auth.handler(forwarded);
  if (!response.ok) return response;
  await gate.forget();
  const withCookie = new Response(response.body, response);
  withCookie.headers.append("set-cookie", deviceCookieHeader(issueDeviceCookie(deps.secret, email, new Date()).value, deps.secureCookies));
  return withCookie;
}

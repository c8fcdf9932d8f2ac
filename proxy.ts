import { NextResponse, type NextRequest } from "next/server";
import { BODY_LIMITS } from "./common/limits";
import { payloadTooLarge, readBodyWithin } from "./server/http/body";
import { REQUESTED_PAGE_HEADER, requestedPage } from "./server/auth/redirect";
import { CLIENT_ADDRESS_HEADER } from "./server/http/client-address";
import { contentSecurityPolicy, newNonce, pageSecurityHeaders } from "./server/http/security-headers";

/**
 * Pages get a Content-Security-Policy with a fresh nonce (Next reads it from the request's
 * header and puts it on its scripts) and HSTS when PUBLIC_URL is https. Headers every response
 * shares (nosniff, referrer policy, …) are in next.config.ts.
 *
 * A POST to a page is a server action (the sign-in and sign-up forms): its body is bounded here,
 * because Next's own server-action limit answers 500 rather than 413.
 */
export async function proxy(request: NextRequest) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    const body = await readBodyWithin(request, BODY_LIMITS.authBytes);
    if (!body.ok) return payloadTooLarge(BODY_LIMITS.authBytes, "text");
  }
  const options = {
    nonce: newNonce(),
    development: process.env.NODE_ENV === "development",
    https: (process.env.PUBLIC_URL ?? "").startsWith("https:"),
  };
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", contentSecurityPolicy(options));
  // Only our handlers set this header (server/http/client-address.ts), never a client.
  requestHeaders.delete(CLIENT_ADDRESS_HEADER);
  // Set here only, from the URL Next parsed: a client's own value never survives.
  requestHeaders.set(REQUESTED_PAGE_HEADER, requestedPage(request.nextUrl));
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(pageSecurityHeaders(options))) response.headers.set(name, value);
  return response;
}

export const config = {
  // Pages only: API routes answer JSON, and static files need no policy of their own.
  matcher: ["/((?!api/|_next/static/|_next/image|favicon.ico|icon.svg).*)"],
};

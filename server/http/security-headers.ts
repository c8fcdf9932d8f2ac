/**
 * The security headers of our HTML pages (set per request by proxy.ts, since the CSP carries
 * a fresh nonce: Next reads it from the request's CSP header and puts it on its own scripts).
 * Scripts run only with the nonce ('strict-dynamic' lets them load the chunks they need), no
 * page may frame us, forms post only to us, and plugins and <base> tricks are off.
 */
export interface PageSecurityOptions {
  nonce: string;
  /** `next dev` needs eval (React's error overlay) and a websocket for hot reload. */
  development: boolean;
  /** PUBLIC_URL is https: browsers are told to keep to https (HSTS) and upgrade stray http loads. */
  https: boolean;
}

export function contentSecurityPolicy({ nonce, development, https }: PageSecurityOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Two years, subdomains too: pages (proxy.ts, on https) and API routes (next.config.ts). */
export const HSTS = "max-age=63072000; includeSubDomains";

export function pageSecurityHeaders(options: PageSecurityOptions): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(options),
    ...(options.https ? { "strict-transport-security": HSTS } : {}),
  };
}

/** A nonce per response: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

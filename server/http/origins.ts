const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The origins a browser may call us from: PUBLIC_URL's. When PUBLIC_URL is a loopback address
 * (local runs), the other spellings of loopback on the same port are the same machine, so
 * http://127.0.0.1:3000 works as well as http://localhost:3000.
 */
export function allowedOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  if (!LOOPBACK_HOSTS.includes(url.hostname)) return [url.origin];
  return LOOPBACK_HOSTS.map((host) => {
    const alias = new URL(url.origin);
    alias.hostname = host;
    return alias.origin;
  });
}

/**
 * Whether a state-changing browser request comes from another site: its Origin (sent by
 * browsers on every POST) is not ours, or Sec-Fetch-Site says cross-site. Requests with
 * neither header are not from a browser page, so cannot carry a visitor's cookies for a CSRF.
 */
export function isForeignOrigin(headers: Headers, publicUrl: string): boolean {
  const origin = headers.get("origin");
  if (origin !== null && !allowedOrigins(publicUrl).includes(origin)) return true;
  return headers.get("sec-fetch-site") === "cross-site";
}

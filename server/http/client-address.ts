import { isIP } from "node:net";

/**
 * The client address rate limits key on, or null when none can be believed.
 *
 * `next start` gives route handlers no socket address: Next copies the connection's address
 * into X-Forwarded-For only when the request has none, so without a proxy in front that header
 * is whatever the client chose. TRUST_PROXY is the number of proxies you run (Express's and
 * Rails' convention): each appends the address it received from to X-Forwarded-For, so with n
 * proxies the n-th entry from the right is the client, and everything to its left came from the
 * client itself. With 0, or fewer entries than proxies, no address is believed (null), and
 * callers then use no per-address bucket at all.
 *
 *   TRUST_PROXY=1, "X-Forwarded-For: 6.6.6.6, 203.0.113.7" → 203.0.113.7 (6.6.6.6 was typed by the client)
 *   TRUST_PROXY=2, "X-Forwarded-For: 203.0.113.7, 10.0.0.2" → 203.0.113.7 (10.0.0.2 is your first proxy)
 */
export function clientAddress(headers: Headers, trustedProxies: number): string | null {
  if (trustedProxies < 1) return null;
  const hops = (headers.get("x-forwarded-for") ?? "").split(",").map((hop) => hop.trim()).filter(Boolean);
  const client = hops.length >= trustedProxies ? hops[hops.length - trustedProxies] : undefined;
  return client && isIP(client) ? client.toLowerCase() : null;
}

/**
 * The header our handlers set (after removing any copy the client sent) to hand better-auth
 * the believed address, so sessions record it; better-auth reads no other address header.
 */
export const CLIENT_ADDRESS_HEADER = "x-buildos-client-address";

/** Request headers for better-auth: the client's own copy of our address header dropped, the believed address set. */
export function headersWithClientAddress(headers: Headers, address: string | null): Headers {
  const result = new Headers(headers);
  result.delete(CLIENT_ADDRESS_HEADER);
  if (address) result.set(CLIENT_ADDRESS_HEADER, address);
  return result;
}

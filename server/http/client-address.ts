import { isIP } from "node:net";

/**
 * The client address rate limits key on, or null when none can be believed.
 *
 * `next start` gives route handlers no socket address: Next copies the connection's address
 * into X-Forwarded-For only when the request has none, so without a proxy in front that header
 * is whatever the client chose. Only with TRUST_PROXY=1 (a proxy that appends the address it
 * saw) is it believed, and then only its last entry, the one our proxy added; entries to the
 * left of it came from the client. Callers put every unbelievable client in one shared bucket.
 */
export function clientAddress(headers: Headers, trustProxy: boolean): string | null {
  if (!trustProxy) return null;
  const hops = headers.get("x-forwarded-for")?.split(",") ?? [];
  const last = hops.at(-1)?.trim();
  return last && isIP(last) ? last.toLowerCase() : null;
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

import { timingSafeEqual } from "node:crypto";
import type { SandboxConfig } from "./context";

/** HTTP Basic with AccountSid:AuthToken, or an API key SK…:secret of the account. */
export function isAuthorized(config: SandboxConfig, header: string | undefined): boolean {
  if (!header?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice("Basic ".length), "base64").toString("utf-8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (user === config.accountSid) return sameSecret(password, config.authToken);
  const key = config.apiKeys.find((k) => k.sid === user);
  return key !== undefined && sameSecret(password, key.secret);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

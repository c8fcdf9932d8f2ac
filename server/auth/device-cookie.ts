import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A signed cookie a browser gets when it signs in to an account with the right password: proof
 * that this device has known the password recently (OWASP's "device cookie"). Sign-in limits
 * that anyone can trigger for an account (failures from unknown addresses, the global budget)
 * do not apply to a browser holding one for that account, so a flood of wrong passwords never
 * locks the owner out of the devices they already use. It holds no email (a hash of it), and
 * it does not sign anyone in: the password is still checked.
 */
export const DEVICE_COOKIE = "buildos.known_device";
export const DEVICE_COOKIE_DAYS = 90;

const accountHash = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url").slice(0, 22);
const sign = (secret: string, payload: string) => createHmac("sha256", `device-cookie:${secret}`).update(payload).digest("base64url");

/** A new device cookie's value for the account, and its id (what its own attempts are counted on). */
export function issueDeviceCookie(secret: string, email: string, now: Date): { value: string; deviceId: string } {
  const deviceId = randomBytes(16).toString("base64url");
  const payload = `${deviceId}.${accountHash(email)}.${Math.floor(now.getTime() / 1000)}`;
  return { value: `${payload}.${sign(secret, payload)}`, deviceId };
}

/** The device id if `cookieHeader` holds a valid, unexpired device cookie for this account. */
export function knownDevice(secret: string, cookieHeader: string | null, email: string, now: Date): string | null {
  const value = cookieValue(cookieHeader, DEVICE_COOKIE);
  const parts = value?.split(".") ?? [];
  if (parts.length !== 4) return null;
  const [deviceId, account, issued, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${deviceId}.${account}.${issued}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (account !== accountHash(email)) return null;
  const ageSeconds = now.getTime() / 1000 - Number(issued);
  return ageSeconds >= 0 && ageSeconds <= DEVICE_COOKIE_DAYS * 86_400 ? deviceId : null;
}

/** The Set-Cookie header for a device cookie: HttpOnly, SameSite=Lax, Secure on https. */
export function deviceCookieHeader(value: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${value}; Path=/; Max-Age=${DEVICE_COOKIE_DAYS * 86_400}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

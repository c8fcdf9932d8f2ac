import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { ensureStarted } from "../bootstrap/start";
import { sessionUser, type SessionUser } from "./auth";

/** For pages: the signed-in user, or a redirect to sign-in that comes back here. */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  await ensureStarted();
  const user = await sessionUser(await headers());
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For admin pages: a signed-in non-admin gets the 403 page. */
export async function requireAdmin(returnTo: string): Promise<SessionUser> {
  const user = await requireUser(returnTo);
  if (user.role !== "admin") forbidden();
  return user;
}

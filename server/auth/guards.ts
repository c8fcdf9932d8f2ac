import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { ensureStarted } from "../bootstrap/start";
import { sessionUser, type SessionUser } from "./auth";

/** One session lookup per request, shared by the layout and the page (they render concurrently). */
const currentUser = cache(async () => {
  await ensureStarted();
  return sessionUser(await headers());
});

/**
 * For pages and layouts: the signed-in user, or a redirect to sign-in that comes back here.
 * Pages call it too, before prefetching: a layout's redirect does not stop its page from rendering.
 */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For admin pages: a signed-in non-admin gets the 403 page. */
export async function requireAdmin(returnTo: string): Promise<SessionUser> {
  const user = await requireUser(returnTo);
  if (user.role !== "admin") forbidden();
  return user;
}

/** For the sign-in and sign-up pages: a signed-in user has nothing to do there and goes to their settings. */
export async function redirectSignedInUser(): Promise<void> {
  if (await currentUser()) redirect("/settings/sms");
}

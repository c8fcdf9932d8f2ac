import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { SessionUser } from "./auth";
import { REQUESTED_PAGE_HEADER } from "./redirect";
import { sessionUser } from "./session";

/**
 * The signed-in user of this request (or null): one session read per request, shared by the
 * root layout, the section layout and the page (they render concurrently).
 */
export const currentUser = cache(async () => sessionUser(await headers()));

/** The same, read from the database instead of the session cookie cache: for admin checks. */
const currentUserFromDatabase = cache(async () => sessionUser(await headers(), { fresh: true }));

/** To sign-in, coming back to the page asked for (query included), or to `fallback` when it is not known. */
async function signInFirst(fallback: string): Promise<never> {
  const requested = (await headers()).get(REQUESTED_PAGE_HEADER);
  redirect(`/sign-in?next=${encodeURIComponent(requested ?? fallback)}`);
}

/**
 * For pages and layouts: the signed-in user, or a redirect to sign-in that comes back here.
 * Pages call it too, before prefetching: a layout's redirect does not stop its page from rendering.
 */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  return (await currentUser()) ?? (await signInFirst(returnTo));
}

/** For admin pages: a signed-in non-admin gets the 403 page. The role is read from the database. */
export async function requireAdmin(returnTo: string): Promise<SessionUser> {
  const user = (await currentUserFromDatabase()) ?? (await signInFirst(returnTo));
  if (user.role !== "admin") forbidden();
  return user;
}

/** For the sign-in and sign-up pages: a signed-in user has nothing to do there and goes to their settings. */
export async function redirectSignedInUser(): Promise<void> {
  if (await currentUser()) redirect("/settings/sms");
}

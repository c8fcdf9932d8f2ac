export const DEFAULT_AFTER_SIGN_IN = "/settings/sms";

/**
 * The page a request asked for (path and query), set by proxy.ts on every page request after
 * dropping any a client sent: a sign-in redirect from a layout, which cannot know its page,
 * comes back to the whole path. (Sign-in still passes it through safeRedirectPath.)
 */
export const REQUESTED_PAGE_HEADER = "x-buildos-requested-page";

/** Path and query of a page request, without Next's own `_rsc` cache-busting parameter. */
export function requestedPage(url: URL): string {
  const query = new URLSearchParams(url.search);
  query.delete("_rsc");
  const search = query.toString();
  return `${url.pathname}${search ? `?${search}` : ""}`;
}

/**
 * Where to send a user after signing in: `next` if it names a page of this site, else the
 * default. `next` is resolved the way a browser would resolve it against PUBLIC_URL (so
 * backslashes, tabs and newlines count as they do there: `/\evil.test` is another host) and
 * accepted only if it stays on our origin; the result is always a path starting with one slash.
 */
export function safeRedirectPath(next: unknown, publicUrl: string): string {
  if (typeof next !== "string" || !next.startsWith("/")) return DEFAULT_AFTER_SIGN_IN;
  const base = new URL(publicUrl);
  let target: URL;
  try {
    target = new URL(next, base);
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  if (target.origin !== base.origin) return DEFAULT_AFTER_SIGN_IN;
  const path = `${target.pathname}${target.search}${target.hash}`;
  // `/.//evil.test` resolves to the path `//evil.test`, which a browser reads as another host.
  return path.startsWith("//") ? DEFAULT_AFTER_SIGN_IN : path;
}

import type { Env } from "@/server/config/env";

/** Where the app serves its functions (the route in app/api/inngest). */
const INNGEST_SERVE_PATH = "/api/inngest";

/**
 * How serve() is set up, from configuration only. The origin it reports to Inngest (and puts in
 * every step URL) is INNGEST_SERVE_ORIGIN or PUBLIC_URL's, never the request's Host or
 * X-Forwarded-* headers; and no sync is accepted without a valid signature.
 */
export function serveOptions(env: Pick<Env, "PUBLIC_URL" | "INNGEST_SERVE_ORIGIN">) {
  return {
    serveOrigin: new URL(env.INNGEST_SERVE_ORIGIN ?? env.PUBLIC_URL).origin,
    servePath: INNGEST_SERVE_PATH,
    enableUnauthedSync: false,
  };
}

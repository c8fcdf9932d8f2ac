import type { Db } from "@/db/client";
import type { SessionUser } from "@/server/auth/auth";
import type { JobSender } from "@/server/jobs/define";
import type { LiveHub } from "@/server/live/hub";
import { logger } from "@/server/logger";
import type { Context } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import type { VerificationDeps } from "@/server/verification/service";
import { recordingJobs } from "./jobs";
import { sandboxProvider } from "./sms";

/** Verification as the app configures it by default, against a sandbox (none reachable unless given). */
export function testVerificationDeps(overrides: Partial<VerificationDeps> = {}): VerificationDeps {
  return {
    verifier: sandboxProvider(),
    allowedCountries: ["US", "CA"],
    limits: { sendsPerUserPerHour: 5, sendsPerNumberPerHour: 5, sendsPerAddressPerHour: 20, sendsPerCountryPerHour: 200, sendsGlobalPerHour: 300, checksPerUserPerHour: 15 },
    clientAddress: null,
    programName: "BuildOS SMS",
    now: () => new Date(),
    ...overrides,
  };
}

/**
 * The request context a procedure would get for `user` (or anonymous), on a test database.
 * `freshUser` is what a database read of the session gives now (admin checks use it); by
 * default the same user. `verification` is the phone verification's dependencies.
 */
export function testContext(
  db: Db,
  user: SessionUser | null,
  jobs: JobSender = recordingJobs(),
  options: TestContextOptions = {},
): Context {
  return {
    db,
    jobs,
    user,
    freshUser: options.freshUser ?? (async () => user),
    log: () => logger.child({ test: true }),
    headers: new Headers(),
    verification: options.verification ?? testVerificationDeps(),
    live: options.live ?? silentHub,
  };
}

export interface TestContextOptions {
  freshUser?: () => Promise<SessionUser | null>;
  verification?: VerificationDeps;
  /** The live-change hub (default: one that never hears anything). */
  live?: LiveHub;
}

const silentHub: LiveHub = { subscribe: async () => () => {} };

/** A tRPC caller with the real routers and middleware, as `user` (or anonymous). */
export function callerFor(db: Db, user: SessionUser | null, jobs?: JobSender, options?: TestContextOptions) {
  return createCaller(testContext(db, user, jobs, options));
}

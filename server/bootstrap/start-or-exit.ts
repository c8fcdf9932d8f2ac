import { EnvError } from "../config/env";
import { ensureStarted } from "./start";

/**
 * For the server's start (instrumentation.ts): a server that cannot start (bad configuration,
 * unreachable database) must not stay up answering 500 everywhere, /api/health included. It
 * says why and exits, so its supervisor sees the failure.
 */
export async function startOrExit(): Promise<void> {
  try {
    await ensureStarted();
  } catch (error) {
    console.error(error instanceof EnvError ? error.message : error);
    process.exit(1);
  }
}

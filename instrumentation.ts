/** Runs once when a Next server starts: config check, migrations, seed — before any request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads this too; the database belongs to the running server, not the build.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { ensureStarted } = await import("./server/bootstrap/start");
  try {
    await ensureStarted();
  } catch (error) {
    // A server that cannot start (bad configuration, unreachable database) must not stay up
    // answering 500 everywhere, /api/health included: say why and exit, so the supervisor sees it.
    console.error(error instanceof Error && error.name === "EnvError" ? error.message : error);
    process.exit(1);
  }
}

/**
 * Runs once when a Next server starts: config check, migrations, seed. `next start` and
 * `next dev` await this register() before they handle any request (every request waits on
 * the server's prepare(), which awaits it), so route handlers and pages never start it
 * themselves. Why that holds, with the Next source it rests on: docs/ARCHITECTURE.md, "Start-up".
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads this too; the database belongs to the running server, not the build.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startOrExit } = await import("./server/bootstrap/start-or-exit");
  await startOrExit();
}

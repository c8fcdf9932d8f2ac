/** Runs once when a Next server starts: config check, migrations, seed — before any request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` loads this too; the database belongs to the running server, not the build.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startOrExit } = await import("./server/bootstrap/start-or-exit");
  await startOrExit();
}

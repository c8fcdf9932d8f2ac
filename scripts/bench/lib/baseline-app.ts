import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildNextApp } from "./next-server";

/**
 * Left out of the copy: what is generated or installed (node_modules resolves from the project
 * above the copy), and the lockfile, so Next takes the project as the workspace root.
 */
const notCopied = new Set([
  ".git", ".next", ".data", "node_modules", "bench-results", "test-results", "playwright-report", "package-lock.json",
]);

/** The baseline route: a POST that reads its body and answers 200, and nothing else. */
const bareRoute = `/** Bench baseline (only in the copy scripts/bench builds): read the body, answer 200. */
export async function POST(req: Request) {
  await req.text();
  return new Response(null, { status: 200 });
}
`;

/**
 * Builds a copy of the app with one more route, POST /api/bench/bare, in `dir` (inside the
 * project, so node_modules resolves from the project). The product build never contains
 * that route; the copy differs from the product by that one file.
 */
export async function buildBaselineApp(dir: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(".")) {
    if (notCopied.has(entry) || entry.endsWith(".tsbuildinfo")) continue;
    cpSync(entry, path.join(dir, entry), { recursive: true });
  }
  mkdirSync(path.join(dir, "app/api/bench/bare"), { recursive: true });
  writeFileSync(path.join(dir, "app/api/bench/bare/route.ts"), bareRoute);
  console.log(`building the baseline copy of the app (the app + POST /api/bench/bare) in ${path.relative(".", dir)} …`);
  await buildNextApp(dir);
  return dir;
}

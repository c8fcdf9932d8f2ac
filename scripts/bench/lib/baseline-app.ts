import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildNextApp } from "./next-server";

/**
 * Left out of the copy: what is generated or installed (node_modules resolves from the project
 * above the copy), and the lockfile, so Next takes the project as the workspace root.
 */
const notCopied = new Set([
  ".git", ".next", ".data", "node_modules", "bench-results", "test-results", "playwright-report", "package-lock.json",
]);

/** The table the `stored` stage writes to; the bench makes it and empties it before each run. */
export const STAGE_TABLE = "bench_callbacks";
export const STAGE_TABLE_DDL = `create table if not exists ${STAGE_TABLE} (n int, sid text, status text, payload jsonb)`;

/**
 * Routes only the copy has. `bare` is the baseline: a POST that reads its body and answers 200.
 * The other two are stages between it and the webhook, so a run says where the webhook's extra
 * cost goes. `verified`: the callback received and checked exactly as the webhook does (bounded
 * form read, signature, account, parsed report), answered without storing it. `stored`: the
 * same, then the least that storing before answering can be — the report inserted through the
 * webhook's own group-commit writer into a table with no index, answered once committed.
 */
const stages = {
  bare: `/** Bench baseline (only in the copy scripts/bench builds): read the body, answer 200. */
export async function POST(req: Request) {
  await req.text();
  return new Response(null, { status: 200 });
}
`,
  verified: `/** Bench stage (only in the copy scripts/bench builds): the webhook's checks, nothing stored. */
import { appWebhookDeps } from "@/server/webhooks/app-webhook-deps";
import { readTwilioWebhook } from "@/server/webhooks/twilio-request";

export async function POST(req: Request) {
  const deps = appWebhookDeps();
  const webhook = await readTwilioWebhook(req, deps.check);
  if (!webhook.ok) return new Response(webhook.reason, { status: webhook.status });
  deps.provider.parseStatusCallback(webhook.params);
  return new Response(null, { status: 204 });
}
`,
  stored: `/** Bench stage (only in the copy scripts/bench builds): the webhook's checks, then a plain group-committed insert. */
import { z } from "zod";
import { preparedQueryRows } from "@/db/raw-rows";
import { writerPerDb } from "@/server/sms/callback-writer";
import { appWebhookDeps } from "@/server/webhooks/app-webhook-deps";
import { readTwilioWebhook } from "@/server/webhooks/twilio-request";

const INSERT = "insert into ${STAGE_TABLE} (n, sid, status, payload) select (r->>'n')::int, r->>'sid', r->>'status', r->'payload' from jsonb_array_elements($1::jsonb) r returning n";
const insertedRow = z.object({ n: z.number() });
type Report = { sid: string; message_id: null; status: string; payload: Record<string, string> };

const writerFor = writerPerDb("bench-stored-stage", (db) => async (reports: Report[]) => {
  const inserted = await preparedQueryRows(db, INSERT, [JSON.stringify(reports.map((report, n) => ({ n, ...report })))], insertedRow);
  if (inserted.length !== reports.length) throw new Error("not every report was stored");
  return reports.map(() => true);
});

export async function POST(req: Request) {
  const deps = appWebhookDeps();
  const webhook = await readTwilioWebhook(req, deps.check);
  if (!webhook.ok) return new Response(webhook.reason, { status: webhook.status });
  const callback = deps.provider.parseStatusCallback(webhook.params);
  await writerFor(deps.db).submit({ sid: callback.messageSid, message_id: null, status: callback.status, payload: webhook.params });
  return new Response(null, { status: 204 });
}
`,
} as const;

export type BaselineStage = keyof typeof stages;

/** The path of a route only the copy has. */
export const stagePath = (stage: BaselineStage) => `/api/bench/${stage}`;

/**
 * Builds a copy of the app with the routes above in `dir` (inside the project, so node_modules
 * resolves from the project). The product build never contains them; the copy differs from the
 * product by those files.
 */
export async function buildBaselineApp(dir: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(".")) {
    if (notCopied.has(entry) || entry.endsWith(".tsbuildinfo")) continue;
    cpSync(entry, path.join(dir, entry), { recursive: true });
  }
  for (const [stage, source] of Object.entries(stages)) {
    mkdirSync(path.join(dir, "app/api/bench", stage), { recursive: true });
    writeFileSync(path.join(dir, "app/api/bench", stage, "route.ts"), source);
  }
  const paths = Object.keys(stages).map((stage) => `POST ${stagePath(stage as BaselineStage)}`);
  console.log(`building the baseline copy of the app (the app + ${paths.join(", ")}) in ${path.relative(".", dir)} …`);
  await buildNextApp(dir);
  return dir;
}

/** Whether a copy built earlier has every route (BENCH_REUSE_BASELINE). */
export function baselineAppHasStages(dir: string): boolean {
  return Object.keys(stages).every((stage) => existsSync(path.join(dir, ".next/server/app/api/bench", stage, "route.js")));
}

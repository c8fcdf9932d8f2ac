import { z } from "zod";
import type { ExecutorContext } from "./context";
import { defineFunction, functionConfigSchema, type FunctionDefinition } from "./function-config";
import { canonicalJson, SIGNATURE_HEADER, signatureFor, verifySignature } from "./signing";
import { listStoredFunctions, replaceAppFunctions, upsertApp } from "./store/functions";
import { reconcileCronJobs } from "./timer-jobs";

// Registering an app's functions: in-band (we PUT the app and read its config from the answer) or
// out-of-band (the app POSTs /fn/register to us, which the SDK does when a PUT is not in-band).

export type SyncResult = {
  app_id: string;
  url: string;
  sync_kind: "in_band" | "out_of_band";
  functions: string[];
  removed: string[];
  /** False when the app registered exactly the configs the executor already had. */
  changed: boolean;
  unsupported: { function_id: string; option: string; detail: string }[];
  errors: { function_id: string | null; message: string }[];
};

/** Body of `POST /fn/register` (out-of-band). */
export const registerRequestSchema = z.looseObject({
  url: z.string(),
  appName: z.string(),
  sdk: z.string().optional(),
  functions: z.array(z.unknown()).default([]),
});

/** Body of an in-band sync answer. */
const inBandResponseSchema = z.looseObject({
  app_id: z.string(),
  url: z.string().optional(),
  sdk: z.string().optional(),
  functions: z.array(z.unknown()).default([]),
});

export async function registerApp(
  ctx: ExecutorContext,
  app: { appId: string; url: string; sdk: string | null; syncKind: SyncResult["sync_kind"]; functions: unknown[] },
): Promise<SyncResult> {
  const result: SyncResult = {
    app_id: app.appId,
    url: app.url,
    sync_kind: app.syncKind,
    functions: [],
    removed: [],
    changed: true,
    unsupported: [],
    errors: [],
  };
  const definitions: FunctionDefinition[] = [];
  for (const raw of app.functions) {
    const parsed = functionConfigSchema.safeParse(raw);
    const rawId = z.object({ id: z.string() }).safeParse(raw);
    const functionId = rawId.success ? rawId.data.id : null;
    if (!parsed.success) {
      result.errors.push({ function_id: functionId, message: `unreadable function config: ${parsed.error.message}` });
      continue;
    }
    try {
      const fn = defineFunction(parsed.data, app.appId);
      definitions.push(fn);
      result.functions.push(fn.id);
      for (const entry of fn.unsupported) result.unsupported.push({ function_id: fn.id, ...entry });
    } catch (error) {
      result.errors.push({ function_id: functionId, message: error instanceof Error ? error.message : String(error) });
    }
  }

  const configsOf = (fns: readonly FunctionDefinition[]) =>
    JSON.stringify(fns.map((fn) => [fn.id, fn.config]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  const previous = ctx.registry.all().filter((fn) => fn.appId === app.appId);
  result.changed = configsOf(previous) !== configsOf(definitions) || result.errors.length > 0;

  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await upsertApp(tx, { id: app.appId, url: app.url, syncKind: app.syncKind, sdk: app.sdk }, now);
    result.removed = await replaceAppFunctions(
      tx,
      app.appId,
      definitions.map((fn) => ({ id: fn.id, name: fn.name, config: fn.config, unsupported: fn.unsupported })),
      now,
    );
    ctx.registry.replaceApp(app.appId, definitions);
    await reconcileCronJobs(tx, ctx);
  });
  ctx.wakeQueue();

  const summary = { app_id: app.appId, url: app.url, sync_kind: app.syncKind, functions: result.functions.length };
  if (!result.changed) {
    ctx.log.debug(summary, "app synced, nothing changed");
    return result;
  }
  // Loud on purpose: an ignored option changes behaviour, so it must not pass unnoticed.
  for (const entry of result.unsupported) {
    ctx.log.error(entry, `function ${entry.function_id} uses an option the local executor does not support`);
  }
  for (const entry of result.errors) ctx.log.error(entry, "function could not be registered");
  ctx.log.info(
    { ...summary, removed: result.removed },
    "app synced",
  );
  return result;
}

/**
 * PUTs the app's serve endpoint asking for an in-band sync, signed like every request to the app.
 * The in-band answer is taken only if the app signed it with the same key (so only the real app
 * can register functions and their URLs). If the app has in-band sync turned off, the SDK
 * registers out-of-band during the PUT (POST /fn/register, checked there; see `lastOutOfBand`).
 */
export async function syncAppOverHttp(
  ctx: ExecutorContext,
  appUrl: string,
  lastOutOfBand: (url: string) => SyncResult | undefined,
): Promise<SyncResult> {
  const payload = canonicalJson({ url: appUrl });
  const response = await fetch(appUrl, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      "x-inngest-sync-kind": "in_band",
      "x-inngest-server-kind": "dev",
      [SIGNATURE_HEADER]: signatureFor(payload, ctx.signingKey),
    },
    body: payload,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status === 401) {
    throw new Error(`sync PUT ${appUrl} was refused (401): the app must have the executor's INNGEST_SIGNING_KEY`);
  }
  if (!response.ok) throw new Error(`sync PUT ${appUrl} answered ${response.status}: ${text.slice(0, 300)}`);
  if (response.headers.get("x-inngest-sync-kind") === "in_band") {
    if (!verifySignature(response.headers.get(SIGNATURE_HEADER), text, ctx.signingKey)) {
      throw new Error(`sync PUT ${appUrl}: the answer is not signed with the executor's signing key; not registered`);
    }
    const body = inBandResponseSchema.parse(JSON.parse(text));
    return registerApp(ctx, {
      appId: body.app_id,
      url: appUrl,
      sdk: body.sdk ?? null,
      syncKind: "in_band",
      functions: body.functions,
    });
  }
  const outOfBand = lastOutOfBand(appUrl);
  if (!outOfBand) throw new Error(`sync PUT ${appUrl} succeeded but the app did not register with this executor`);
  return outOfBand;
}

/** Loads the registry from the store, so a restarted executor runs functions before any re-sync. */
export async function loadRegistry(ctx: ExecutorContext): Promise<void> {
  const byApp = new Map<string, FunctionDefinition[]>();
  for (const stored of await listStoredFunctions(ctx.db)) {
    const parsed = functionConfigSchema.safeParse(stored.config);
    if (!parsed.success) continue;
    const list = byApp.get(stored.appId) ?? [];
    list.push(defineFunction(parsed.data, stored.appId));
    byApp.set(stored.appId, list);
  }
  for (const [appId, functions] of byApp) ctx.registry.replaceApp(appId, functions);
}

import { z } from "zod";
import { celSyntaxError } from "./cel";
import { cronSyntaxError } from "./cron";
import { parseDurationMs } from "./time";

// The function config an app registers (`functions[]` of a sync), and the executor's reading of it.

const eventTriggerSchema = z.object({ event: z.string().min(1), expression: z.string().nullish() });
const cronTriggerSchema = z.object({ cron: z.string().min(1), jitter: z.unknown().optional() });

const concurrencyEntrySchema = z.object({
  limit: z.number().int().nonnegative(),
  key: z.string().nullish(),
  scope: z.enum(["fn", "env", "account"]).nullish(),
});

export const functionConfigSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  triggers: z.array(z.union([eventTriggerSchema, cronTriggerSchema])).default([]),
  steps: z.record(
    z.string(),
    z.looseObject({
      id: z.string().optional(),
      runtime: z.looseObject({ type: z.string(), url: z.string() }),
      retries: z.object({ attempts: z.number().int().nonnegative() }).nullish(),
    }),
  ),
  idempotency: z.string().nullish(),
  throttle: z
    .object({
      limit: z.number().int().positive(),
      period: z.string(),
      key: z.string().nullish(),
      burst: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
  concurrency: z.union([z.number().int().nonnegative(), z.array(concurrencyEntrySchema)]).nullish(),
  priority: z.object({ run: z.string().nullish() }).nullish(),
  cancel: z
    .array(z.object({ event: z.string().min(1), if: z.string().nullish(), timeout: z.string().nullish() }))
    .nullish(),
});
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

const SUPPORTED_KEYS = new Set([
  "id",
  "name",
  "triggers",
  "steps",
  "idempotency",
  "throttle",
  "concurrency",
  "priority",
  "cancel",
]);

export type UnsupportedOption = { option: string; detail: string };

export type ConcurrencyLimit = { limit: number; key: string | null; scope: "fn" | "env" | "account" };

/** What the executor needs to run a function, derived once per sync. */
export type FunctionDefinition = {
  id: string;
  name: string;
  appId: string;
  url: string;
  maxAttempts: number;
  eventTriggers: { event: string; expression: string | null }[];
  cronTriggers: string[];
  idempotency: string | null;
  throttle: { limit: number; periodMs: number; key: string | null; burst: number } | null;
  concurrency: ConcurrencyLimit[];
  priorityRun: string | null;
  cancel: { event: string; if: string | null; timeoutMs: number | null }[];
  unsupported: UnsupportedOption[];
  config: FunctionConfig;
};

export const DEFAULT_RETRIES = 3;

/** Step URLs may carry the sync's `deployId` (the SDK leaks it); it means nothing to a call. */
export function stripDeployId(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete("deployId");
  return parsed.href;
}

export function defineFunction(config: FunctionConfig, appId: string): FunctionDefinition {
  const unsupported: UnsupportedOption[] = [];
  const report = (option: string, detail: string) => unsupported.push({ option, detail });

  for (const [key, value] of Object.entries(config)) {
    if (!SUPPORTED_KEYS.has(key) && value !== null && value !== undefined) {
      report(key, `option "${key}" is not implemented by the local executor and is IGNORED`);
    }
  }

  const eventTriggers: FunctionDefinition["eventTriggers"] = [];
  const cronTriggers: string[] = [];
  for (const trigger of config.triggers) {
    if ("cron" in trigger) {
      const cronError = cronSyntaxError(trigger.cron);
      if (cronError) report("triggers.cron", `cron "${trigger.cron}" does not parse (${cronError}); it never fires`);
      else cronTriggers.push(trigger.cron);
      if (trigger.jitter !== undefined) report("triggers.cron.jitter", "cron jitter is IGNORED");
    } else {
      eventTriggers.push({ event: trigger.event, expression: trigger.expression ?? null });
    }
  }

  const step = Object.values(config.steps)[0];
  if (!step) throw new Error(`function ${config.id} has no step entry`);
  if (step.runtime.type !== "http") {
    report("steps.runtime.type", `runtime "${step.runtime.type}" cannot be called; only "http" is supported`);
  }

  const concurrencyEntries =
    typeof config.concurrency === "number" ? [{ limit: config.concurrency }] : (config.concurrency ?? []);
  const concurrency: ConcurrencyLimit[] = concurrencyEntries
    .filter((entry) => entry.limit > 0)
    .map((entry) => ({
      limit: entry.limit,
      key: "key" in entry ? (entry.key ?? null) : null,
      scope: "scope" in entry ? (entry.scope ?? "fn") : "fn",
    }));
  if (concurrency.length > 2) {
    report("concurrency", `${concurrency.length} concurrency limits given; only the first 2 are enforced`);
    concurrency.length = 2;
  }

  let throttle: FunctionDefinition["throttle"] = null;
  if (config.throttle) {
    const periodMs = parseDurationMs(config.throttle.period);
    if (periodMs === null || periodMs <= 0) report("throttle.period", `unreadable period "${config.throttle.period}"`);
    else {
      throttle = {
        limit: config.throttle.limit,
        periodMs,
        key: config.throttle.key ?? null,
        burst: config.throttle.burst ?? 0,
      };
    }
  }

  const cancel = (config.cancel ?? []).map((entry) => ({
    event: entry.event,
    if: entry.if ?? null,
    timeoutMs: entry.timeout ? parseDurationMs(entry.timeout) : null,
  }));

  const expressions = [
    ...eventTriggers.map((t) => ["triggers.expression", t.expression] as const),
    ["idempotency", config.idempotency] as const,
    ["throttle.key", throttle?.key] as const,
    ...concurrency.map((c) => ["concurrency.key", c.key] as const),
    ["priority.run", config.priority?.run] as const,
    ...cancel.map((c) => ["cancel.if", c.if] as const),
  ];
  for (const [option, expression] of expressions) {
    const error = expression ? celSyntaxError(expression) : null;
    if (error) report(option, `CEL expression "${expression}" does not parse (${error}); it never matches`);
  }

  return {
    id: config.id,
    name: config.name ?? config.id,
    appId,
    url: stripDeployId(step.runtime.url),
    maxAttempts: (step.retries?.attempts ?? DEFAULT_RETRIES) + 1,
    eventTriggers,
    cronTriggers,
    idempotency: config.idempotency ?? null,
    throttle,
    concurrency,
    priorityRun: config.priority?.run ?? null,
    cancel,
    unsupported,
    config,
  };
}

/** Event trigger names may end in `*` (e.g. `app/user.*`). */
export function eventNameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

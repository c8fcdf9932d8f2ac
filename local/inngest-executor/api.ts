import { z } from "zod";
import type { ExecutorContext } from "./context";
import { recordCheckpoint } from "./checkpoint";
import { checkpointRequestSchema, incomingEventSchema } from "./protocol";
import { sameText } from "./signing";
import { ingestEvents } from "./routing";
import { HttpError, type ApiRequest, type Route } from "./server";
import { listApps } from "./store/functions";
import { listEvents } from "./store/events";
import { RUN_STATUSES, listRuns } from "./store/runs";
import { registerRequestSchema, type SyncResult } from "./sync";
import { appView, eventView, functionView, runView, type RunDetailView } from "./views";

// The executor's HTTP endpoints: the three the SDK calls (/e/:key, /fn/register,
// /v1/checkpoint/:runId/async) and the JSON API
// used by tests and the admin console (/v0/..., /health).

export type ApiOperations = {
  ctx: ExecutorContext;
  /** What the app must present: its event key in /e/:key, its hashed signing key to /fn/register. */
  credentials: { eventKey: string; hashedSigningKey: string };
  registerOutOfBand: (body: z.infer<typeof registerRequestSchema>) => Promise<SyncResult>;
  sync: (url: string | undefined) => Promise<{ url: string; result?: SyncResult; error?: string }[]>;
  advanceClock: (ms: number) => Promise<number>;
  getRun: (runId: string) => Promise<RunDetailView | null>;
  cancelRun: (runId: string) => Promise<RunDetailView | null>;
};

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, `invalid ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const limitSchema = z.coerce.number().int().min(1).max(1_000).default(100);
const advanceSchema = z.union([
  z.object({ ms: z.number().nonnegative() }),
  z.object({ to: z.string().refine((text) => !Number.isNaN(Date.parse(text)), "an ISO date") }),
]);

export function apiRoutes(ops: ApiOperations): Route[] {
  const { ctx } = ops;
  const route = (method: string, path: RegExp, handle: (request: ApiRequest) => Promise<unknown>, status = 200): Route => ({
    method,
    path,
    handle: async (request) => ({ status, body: await handle(request) }),
  });

  return [
    // Event API, as inngest.send() and step.sendEvent() call it, with the event key in the path.
    route("POST", /^\/e\/([^/]+)$/, async ({ params, body, header }) => {
      if (!sameText(params[0] ?? "", ops.credentials.eventKey)) throw new HttpError(401, "Event key not found");
      const list = Array.isArray(body) ? body : [body];
      const events = list.map((item, index) => parse(incomingEventSchema, item, `event #${index}`));
      const ids = await ingestEvents(ctx, events, header("x-inngest-event-id-seed"));
      return { ids, status: 200 };
    }),

    // Out-of-band sync: the SDK posts its config here when the app is PUT without in-band sync.
    // The SDK authenticates with its hashed signing key, as with Inngest.
    route("POST", /^\/fn\/register$/, async ({ body, header }) => {
      const bearer = /^Bearer (.+)$/.exec(header("authorization") ?? "")?.[1] ?? "";
      if (!sameText(bearer, ops.credentials.hashedSigningKey)) throw new HttpError(401, "signing key not recognized");
      await ops.registerOutOfBand(parse(registerRequestSchema, body, "register request"));
      return { ok: true, modified: true };
    }),

    // Checkpointing (protocol §4h): the steps a call ran, sent before the call answers.
    // Authenticated like /fn/register. 409 tells the SDK the call is stale and must stop.
    {
      method: "POST",
      path: /^\/v1\/checkpoint\/([^/]+)\/async$/,
      handle: async ({ params, body, header }) => {
        const bearer = /^Bearer (.+)$/.exec(header("authorization") ?? "")?.[1] ?? "";
        if (!sameText(bearer, ops.credentials.hashedSigningKey)) throw new HttpError(401, "signing key not recognized");
        const result = await recordCheckpoint(ctx, params[0] ?? "", parse(checkpointRequestSchema, body, "checkpoint"));
        if (result === "stale") return { status: 409, body: { error: "stale dispatch: the call's queue item is no longer leased", status: 409 } };
        if (result === "unsupported") return { status: 422, body: { error: "only StepRun is checkpointed; return the other ops in the call's answer", status: 422 } };
        return { status: 200, body: { ok: true } };
      },
    },

    route("GET", /^\/health$/, async () => ({
      status: "ok",
      now: new Date(ctx.clock.now()).toISOString(),
      clock_offset_ms: ctx.clock.offsetMs(),
      database: ctx.db.kind,
      functions: ctx.registry.all().length,
    })),

    route("GET", /^\/v0\/functions$/, async () => ({
      apps: (await listApps(ctx.db)).map(appView),
      functions: ctx.registry.all().map(functionView),
    })),

    route("POST", /^\/v0\/sync$/, async ({ body }) => {
      const { url } = parse(z.object({ url: z.string().url().optional() }).default({}), body ?? {}, "sync request");
      return { results: await ops.sync(url) };
    }),

    route("GET", /^\/v0\/runs$/, async ({ query }) => {
      const filter = parse(
        z.object({
          status: z.enum(RUN_STATUSES).optional(),
          function_id: z.string().optional(),
          event_id: z.string().optional(),
          limit: limitSchema,
        }),
        Object.fromEntries(query),
        "query",
      );
      const runs = await listRuns(ctx.db, {
        status: filter.status,
        functionId: filter.function_id,
        eventId: filter.event_id,
        limit: filter.limit,
      });
      return { runs: runs.map(runView) };
    }),

    route("GET", /^\/v0\/runs\/([^/]+)$/, async ({ params }) => {
      const run = await ops.getRun(params[0] ?? "");
      if (!run) throw new HttpError(404, "no such run");
      return { run };
    }),

    route("POST", /^\/v0\/runs\/([^/]+)\/cancel$/, async ({ params }) => {
      const run = await ops.cancelRun(params[0] ?? "");
      if (!run) throw new HttpError(404, "no such run");
      return { run };
    }),

    route("GET", /^\/v0\/events$/, async ({ query }) => {
      const filter = parse(z.object({ name: z.string().optional(), limit: limitSchema }), Object.fromEntries(query), "query");
      return { events: (await listEvents(ctx.db, filter)).map(eventView) };
    }),

    route("GET", /^\/v0\/clock$/, async () => ({
      now: new Date(ctx.clock.now()).toISOString(),
      offset_ms: ctx.clock.offsetMs(),
    })),

    route("POST", /^\/v0\/clock\/advance$/, async ({ body }) => {
      const request = parse(advanceSchema, body, "clock advance");
      const ms = "ms" in request ? request.ms : Date.parse(request.to) - ctx.clock.now();
      if (ms < 0) throw new HttpError(400, "the clock only moves forward");
      const now = await ops.advanceClock(ms);
      return { now: new Date(now).toISOString(), offset_ms: ctx.clock.offsetMs() };
    }),
  ];
}

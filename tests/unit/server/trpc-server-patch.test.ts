import { initTRPC } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

/*
 * Checks that our patch to tRPC's server (patches/@trpc+server+11.22.1.patch, applied by
 * `npm install`) is in place, and that tRPC still behaves as before. On every call tRPC merged
 * objects with a compiled object-spread helper that copied properties one `defineProperty` at a
 * time, and combined abort signals with Node 20's `AbortSignal.any` (weak references and
 * transferable signals, about twice the cost of tRPC's own listener fallback). Together they
 * were about a fifth of tRPC's CPU per call, measured outside Next.
 */
type Ctx = { user: string | null };
let procedureStarted = () => {};
const t = initTRPC.context<Ctx>().create();
const signedIn = t.procedure.use(({ ctx, next }) => next({ ctx: { ...ctx, user: ctx.user ?? "guest", actor: "user" } }));

const appRouter = t.router({
  whoAmI: signedIn.query(({ ctx }) => ({ user: ctx.user, actor: ctx.actor })),
  echo: signedIn
    .input(z.object({ a: z.number() }).passthrough())
    .input(z.object({ b: z.string() }).passthrough())
    .query(({ input }) => ({ input, ownKeys: Object.keys(input).sort() })),
  untilAborted: t.procedure.query(
    ({ signal }) =>
      new Promise<string>((resolve) => {
        if (signal?.aborted) return resolve("aborted already");
        signal?.addEventListener("abort", () => resolve("aborted"));
        procedureStarted();
      }),
  ),
});

function call(path: string, input?: unknown, signal?: AbortSignal) {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://app.test/api/trpc/${path}${query}`, { signal }),
    router: appRouter,
    createContext: () => ({ user: null }),
  });
}

describe("tRPC's server, patched for cost", () => {
  afterEach(() => vi.restoreAllMocks());

  it("merges context and inputs without copying property descriptors one by one", async () => {
    await (await call("whoAmI")).text(); // Node defines some of its web classes lazily, on first use
    const defineProperties = Object.defineProperties;
    const copiedFrom: object[] = [];
    Object.defineProperties = <T>(target: T, properties: PropertyDescriptorMap) => {
      copiedFrom.push(properties);
      return defineProperties(target, properties);
    };
    let response: Response;
    try {
      response = await call("whoAmI");
    } finally {
      Object.defineProperties = defineProperties;
    }
    expect(await response.json()).toEqual({ result: { data: { user: "guest", actor: "user" } } });
    // Unpatched, every merge of a middleware's options went through it.
    expect(copiedFrom).toEqual([]);
  });

  it("still merges chained inputs", async () => {
    const response = await call("echo", { a: 1, b: "two" });
    expect(await response.json()).toEqual({ result: { data: { input: { a: 1, b: "two" }, ownKeys: ["a", "b"] } } });
  });

  it("gives each call a signal that aborts with its request, without AbortSignal.any", async () => {
    const any = vi.spyOn(AbortSignal, "any");
    const request = new AbortController();
    const started = new Promise<void>((resolve) => (procedureStarted = resolve));
    const pending = call("untilAborted", undefined, request.signal);
    await started;
    request.abort();
    expect(await (await pending).json()).toEqual({ result: { data: "aborted" } });

    const aborted = AbortSignal.abort();
    expect(await (await call("untilAborted", undefined, aborted)).json()).toEqual({ result: { data: "aborted already" } });
    expect(any).not.toHaveBeenCalled();
  });
});

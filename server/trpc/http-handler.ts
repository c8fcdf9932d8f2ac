import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { BODY_LIMITS, TRPC_MAX_BATCH } from "@/common/limits";
import { payloadTooLarge, readBodyWithin, withBody } from "../http/body";
import { isForeignOrigin } from "../http/origins";
import type { Context } from "./context";
import { appRouter } from "./root";

export interface TrpcHttpDeps {
  publicUrl: string;
  createContext(req: Request): Promise<Context>;
}

/**
 * /api/trpc: mutations (POSTs) from another site's pages are refused before anything runs, the
 * body is bounded before it is parsed, and a batch holds at most TRPC_MAX_BATCH calls.
 */
export async function handleTrpcRequest(deps: TrpcHttpDeps, req: Request): Promise<Response> {
  let forwarded = req;
  if (req.method !== "GET" && req.method !== "HEAD") {
    if (isForeignOrigin(req.headers, deps.publicUrl)) {
      return Response.json(
        { error: { code: "FORBIDDEN", message: "Requests from other sites are not accepted." } },
        { status: 403 },
      );
    }
    const body = await readBodyWithin(req, BODY_LIMITS.trpcBytes);
    if (!body.ok) return payloadTooLarge(BODY_LIMITS.trpcBytes);
    forwarded = withBody(req, body.bytes);
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: forwarded,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: () => deps.createContext(forwarded),
    // Answers are per user (and signed-in ones personal): no browser or proxy cache may keep them.
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
  });
}

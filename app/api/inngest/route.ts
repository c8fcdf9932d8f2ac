import { serve } from "inngest/next";
import { NextRequest } from "next/server";
import { inngest } from "@/inngest/client";
import { appFunctions } from "@/inngest/functions";
import { serveOptions } from "@/inngest/serve-options";
import { env } from "@/server/config/env";
import { boundedInngestRequest } from "@/server/http/inngest-body";

type Handler = ReturnType<typeof serve>;
let handler: Handler | undefined;

/**
 * Built on the first request: the serve origin and the functions' flow control (the throughput
 * cap) come from configuration, which the build does not have.
 */
function inngestHandler(): Handler {
  handler ??= serve({ client: inngest, functions: appFunctions(), ...serveOptions(env()) });
  return handler;
}

export const GET = (...args: Parameters<Handler["GET"]>) => inngestHandler().GET(...args);
/** Bodies bounded and JSON before the SDK reads them (server/http/inngest-body.ts). */
export const POST = (req: Request) => boundedInngestRequest(req, (bounded) => inngestHandler().POST(new NextRequest(bounded), undefined));
export const PUT = (req: Request) => boundedInngestRequest(req, (bounded) => inngestHandler().PUT(new NextRequest(bounded), undefined));

import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { appFunctions } from "@/inngest/functions";
import { serveOptions } from "@/inngest/serve-options";
import { env } from "@/server/config/env";

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
export const POST = (...args: Parameters<Handler["POST"]>) => inngestHandler().POST(...args);
export const PUT = (...args: Parameters<Handler["PUT"]>) => inngestHandler().PUT(...args);

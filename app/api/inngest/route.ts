import type { NextRequest } from "next/server";
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { appFunctions } from "@/inngest/functions";
import { ensureStarted } from "@/server/bootstrap/start";

// Built on the first request, after configuration is validated (the functions' flow control
// reads it), so `next build` can import this route without the runtime configuration.
let handler: ReturnType<typeof serve> | undefined;

async function handle(req: NextRequest, res: unknown): Promise<Response> {
  await ensureStarted();
  handler ??= serve({ client: inngest, functions: appFunctions() });
  return handler(req, res);
}

export { handle as GET, handle as POST, handle as PUT };

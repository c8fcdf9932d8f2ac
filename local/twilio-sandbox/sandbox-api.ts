import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { SandboxContext } from "./context";
import { advanceClock, callbacksIdle, resetSandbox, setFaults } from "./controls";
import { faultsPatchSchema } from "./faults";
import { json, readBody, type JsonReply } from "./http";
import { simulateInbound } from "./inbound";
import { stateView, messageView, verificationView } from "./state-view";
import { findPending } from "./verify";

const inboundSchema = z.object({
  from: z.string().regex(/^\+[1-9]\d{6,14}$/, "E.164 phone number expected"),
  body: z.string().max(1600),
  to: z.string().optional(),
  url: z.url().optional(),
});
const advanceSchema = z.object({ ms: z.number().int().min(0) });
const configSchema = z.object({ inboundWebhookUrl: z.url().nullable() }).strict();

/** The sandbox's own JSON API under /__sandbox/ (no Twilio auth; the server binds to 127.0.0.1). */
export async function handleSandboxApi(ctx: SandboxContext, req: IncomingMessage, url: URL): Promise<JsonReply> {
  const route = `${req.method ?? "GET"} ${url.pathname.replace(/\/+$/, "")}`;
  try {
    switch (route) {
      case "GET /__sandbox/health":
        return json(200, { ok: true });
      case "GET /__sandbox/state":
        return json(200, stateView(ctx));
      case "GET /__sandbox/messages": {
        const to = url.searchParams.get("to");
        const messages = [...ctx.state.messages.values()].filter((m) => !to || m.to === to || m.from === to);
        return json(200, { messages: messages.map((m) => messageView(ctx, m)) });
      }
      case "GET /__sandbox/verifications/code": {
        const to = url.searchParams.get("to") ?? "";
        const pending = findPending(ctx, { to });
        return pending ? json(200, verificationView(pending)) : json(404, { error: `no pending verification for ${to}` });
      }
      case "POST /__sandbox/faults":
        return json(200, { faults: setFaults(ctx, faultsPatchSchema.parse(await readJson(req))) });
      case "POST /__sandbox/reset":
        resetSandbox(ctx);
        return json(200, { ok: true });
      case "POST /__sandbox/inbound":
        return json(200, await simulateInbound(ctx, inboundSchema.parse(await readJson(req))));
      case "POST /__sandbox/clock/advance":
        return json(200, { now: advanceClock(ctx, advanceSchema.parse(await readJson(req)).ms) });
      case "POST /__sandbox/config": {
        ctx.state.inboundWebhookUrl = configSchema.parse(await readJson(req)).inboundWebhookUrl;
        return json(200, { inboundWebhookUrl: ctx.state.inboundWebhookUrl });
      }
      case "POST /__sandbox/callbacks/idle":
        await callbacksIdle(ctx);
        return json(200, { ok: true });
      default:
        return json(404, { error: `unknown sandbox route: ${route}` });
    }
  } catch (error) {
    if (error instanceof z.ZodError) return json(400, { error: "invalid request", issues: error.issues });
    if (error instanceof SyntaxError) return json(400, { error: "body is not valid JSON" });
    throw error;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  return text.trim() ? JSON.parse(text) : {};
}

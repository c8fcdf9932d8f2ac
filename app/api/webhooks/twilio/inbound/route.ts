import { ensureStarted } from "@/server/bootstrap/start";
import { appWebhookDeps } from "@/server/webhooks/app-deps";
import { handleInboundWebhook } from "@/server/webhooks/twilio-handlers";

export async function POST(req: Request) {
  await ensureStarted();
  return handleInboundWebhook(appWebhookDeps(), req);
}

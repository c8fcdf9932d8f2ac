import { appWebhookDeps } from "@/server/webhooks/app-webhook-deps";
import { handleInboundWebhook } from "@/server/webhooks/twilio-handlers";

export async function POST(req: Request) {
  return handleInboundWebhook(appWebhookDeps(), req);
}

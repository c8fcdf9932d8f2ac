import { appWebhookDeps } from "@/server/webhooks/app-webhook-deps";
import { handleStatusWebhook } from "@/server/webhooks/twilio-handlers";

export async function POST(req: Request) {
  return handleStatusWebhook(appWebhookDeps(), req);
}

import type { Db } from "@/db/client";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { handleStatusWebhook } from "@/server/webhooks/twilio-handlers";
import { recordingJobs } from "./jobs";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "./sandbox-account";
import { sandboxProvider } from "./sms";
import { serveFetchHandler } from "./webhook-server";

/**
 * The Twilio half of a pipeline test: the sandbox, the official-SDK provider pointed at it, and
 * our signed status webhook served over HTTP, so the sandbox's callbacks come back to the app's
 * handler. `close` stops the webhook server and the sandbox.
 */
export async function startSandboxLoop(db: Db, options: { quiet?: boolean } = {}) {
  const sandbox: TwilioSandbox = createTwilioSandbox({
    accountSid: SANDBOX_ACCOUNT_SID,
    authToken: SANDBOX_AUTH_TOKEN,
    port: 0,
    deliveryDelayMs: 20,
    ...(options.quiet ? { log: () => {} } : {}),
  });
  await sandbox.start();
  const provider = sandboxProvider(sandbox.url);
  const webhooks = await serveFetchHandler((req) =>
    handleStatusWebhook(
      {
        db,
        jobs: recordingJobs(),
        provider,
        check: { publicUrl: webhooks.url, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider },
        program: { name: "BuildOS SMS", supportUrl: "https://example.test/help" },
      },
      req,
    ),
  );
  return {
    sandbox,
    provider,
    statusCallbackUrl: `${webhooks.url}/api/webhooks/twilio/status`,
    close: async () => {
      await webhooks.close();
      await sandbox.stop();
    },
  };
}

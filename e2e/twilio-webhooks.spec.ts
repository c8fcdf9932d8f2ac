import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_SANDBOX_PORT } from "../playwright.config";

const sandbox = `http://127.0.0.1:${E2E_SANDBOX_PORT}`;

/** Texts a phone sends through the local Twilio sandbox, which POSTs them signed to the app. */
async function textFromPhone(request: APIRequestContext, from: string, body: string) {
  const response = await request.post(`${sandbox}/__sandbox/inbound`, { data: { from, body } });
  expect(response.status()).toBe(200);
  return (await response.json()) as { replies: string[]; responseStatus: number | null };
}

test("HELP and STOP through the sandbox get the CTIA replies from the running app", async ({ request }) => {
  const help = await textFromPhone(request, "+15555550142", " help ");
  expect(help.responseStatus).toBe(200);
  expect(help.replies).toHaveLength(1);
  expect(help.replies[0]).toMatch(/^BuildOS SMS: .*Msg & data rates may apply.*Reply STOP/);

  const stop = await textFromPhone(request, "+15555550142", "STOP");
  expect(stop.replies[0]).toMatch(/You are unsubscribed/);

  // Any reasonable request to stop counts as one (the FCC's rule), with the same reply.
  const plainStop = await textFromPhone(request, "+15555550142", "STOP please");
  expect(plainStop.replies[0]).toMatch(/You are unsubscribed/);

  const chatter = await textFromPhone(request, "+15555550142", "thanks!");
  expect(chatter.replies).toEqual([]);
});

test("the app refuses unsigned and forged Twilio webhooks with 403", async ({ request }) => {
  const form = { MessageSid: `SM${"1".repeat(32)}`, AccountSid: `AC${"2".repeat(32)}`, MessageStatus: "delivered" };
  const unsigned = await request.post("/api/webhooks/twilio/status", { form });
  expect(unsigned.status()).toBe(403);
  const forged = await request.post("/api/webhooks/twilio/inbound", {
    form: { ...form, From: "+15555550142", To: "+15005550006", Body: "START" },
    headers: { "X-Twilio-Signature": "bm90IGEgcmVhbCBzaWduYXR1cmU=" },
  });
  expect(forged.status()).toBe(403);
});

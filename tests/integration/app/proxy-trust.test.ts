import twilio from "twilio";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAppUnderTest, type AppUnderTest } from "../../helpers/app-under-test";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { createVerifiedUser, preferencesOf } from "../../helpers/sms";

/**
 * With TRUST_PROXY unset (the default), the real inbound webhook route checks Twilio's signature
 * over PUBLIC_URL only: the client's Host and X-Forwarded-* headers cannot choose the URL.
 * (The default used to be the string "0", which is truthy, so forwarded headers were trusted.)
 */
let app: AppUnderTest;
beforeAll(async () => {
  app = await startAppUnderTest();
});
afterAll(() => app?.close());

const PATH = "/api/webhooks/twilio/inbound";
let sidCounter = 0;

function stopText(from: string) {
  const sid = `SM${(++sidCounter).toString(16).padStart(32, "0")}`;
  return { MessageSid: sid, SmsSid: sid, AccountSid: SANDBOX_ACCOUNT_SID, From: from, To: "+15005550006", Body: "STOP", NumMedia: "0" };
}

async function post(params: Record<string, string>, signedOver: string, headers: Record<string, string>) {
  return app.raw({
    method: "POST",
    path: PATH,
    headers: {
      ...headers,
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(SANDBOX_AUTH_TOKEN, signedOver, params),
    },
    body: new URLSearchParams(params).toString(),
  });
}

it("refuses a STOP signed over the attacker's host and forwarded as if from it", async () => {
  const user = await createVerifiedUser(app.db.db(), "+15555550201");
  const refused = await post(stopText("+15555550201"), `http://evil.test${PATH}`, {
    host: "evil.test",
    "x-forwarded-host": "evil.test",
    "x-forwarded-proto": "http",
  });
  expect(refused.status).toBe(403);
  expect((await preferencesOf(app.db.db(), user.id)).optedOutAt).toBeNull();
});

it("accepts a genuine STOP signed over PUBLIC_URL whatever Host it arrives under", async () => {
  const user = await createVerifiedUser(app.db.db(), "+15555550202");
  const accepted = await post(stopText("+15555550202"), `${app.url}${PATH}`, {
    host: "internal.example:8080",
    "x-forwarded-host": "internal.example:8080",
    "x-forwarded-proto": "https",
  });
  expect(accepted.status).toBe(200);
  expect((await preferencesOf(app.db.db(), user.id)).optOutSource).toBe("keyword");
});

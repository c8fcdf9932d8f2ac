import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsInboundMessages, smsOptChanges } from "@/db/schema";
import { handleInboundText } from "@/server/sms/inbound";
import { createVerifiedUser, preferencesOf } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { recordingJobs } from "../../helpers/jobs";
import { webhookContext } from "@/server/service-context";

const program = { name: "BuildOS SMS", supportUrl: "https://sms.example.test/help" };
let sidCounter = 0;
const sid = () => `SM${(++sidCounter).toString(16).padStart(32, "a")}`;

describe.each(testDatabases())("inbound keywords on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  const text = (from: string, body: string, messageSid = sid()) =>
    handleInboundText(webhookContext(handle.db, recordingJobs()), { messageSid, from, to: "+15005550006", body }, program);

  it.each(["stop", " Stop ", "STOPALL", "revoke", "unsubscribe", "Cancel", "end", "quit", "optout"])(
    "%j opts the number's user out and answers with the CTIA stop text",
    async (body) => {
      const phone = `+1555555${String(1000 + sidCounter).slice(-4)}`;
      const user = await createVerifiedUser(handle.db, phone);
      const { reply } = await text(phone, body);
      expect(reply).toMatch(/^BuildOS SMS: You are unsubscribed and will not receive any more messages/);
      const prefs = await preferencesOf(handle.db, user.id);
      expect(prefs.optedOutAt).toBeInstanceOf(Date);
      expect(prefs.optOutSource).toBe("keyword");
    },
  );

  it("start (and yes / unstop) opts back in", async () => {
    const phone = "+15555552001";
    const user = await createVerifiedUser(handle.db, phone);
    for (const body of ["start", "YES", "unstop"]) {
      await text(phone, "STOP");
      expect((await preferencesOf(handle.db, user.id)).optedOutAt).not.toBeNull();
      const { reply } = await text(phone, body);
      expect(reply).toMatch(/subscribed again/);
      expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeNull();
    }
  });

  it("records each opt-out and opt-in once in sms_opt_changes (a repeated STOP changes nothing)", async () => {
    const phone = "+15555552005";
    const user = await createVerifiedUser(handle.db, phone);
    await text(phone, "STOP");
    await text(phone, "stop");
    await text(phone, "START");
    await text(phone, "yes");
    const changes = await handle.db.select().from(smsOptChanges).where(eq(smsOptChanges.userId, user.id)).orderBy(smsOptChanges.createdAt);
    expect(changes.map((c) => [c.kind, c.source])).toEqual([
      ["opt_out", "keyword"],
      ["opt_in", "keyword"],
    ]);
  });

  it("help answers with program, frequency, rates, STOP and support, and changes nothing", async () => {
    const phone = "+15555552002";
    const user = await createVerifiedUser(handle.db, phone);
    const { reply } = await text(phone, "help");
    expect(reply).toMatch(/^BuildOS SMS:/);
    expect(reply).toMatch(/Msg & data rates may apply/);
    expect(reply).toMatch(/Reply STOP/);
    expect(reply).toContain(program.supportUrl);
    expect((await text(phone, " INFO ")).reply).toBe(reply);
    expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeNull();
  });

  it("'STOP please' is a plain-language opt-out (FCC 2025): the STOP reply, opted out, the rule recorded", async () => {
    const phone = "+15555552003";
    const user = await createVerifiedUser(handle.db, phone);
    const messageSid = sid();
    const { reply } = await text(phone, "STOP please", messageSid);
    expect(reply).toMatch(/^BuildOS SMS: You are unsubscribed/);
    expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeInstanceOf(Date);
    const [stored] = await handle.db.select().from(smsInboundMessages).where(eq(smsInboundMessages.twilioSid, messageSid));
    expect(stored).toMatchObject({ body: "STOP please", keyword: "stop", matchedRule: "phrase:keyword_first", userId: user.id });
  });

  it("a text that only mentions a stop is not a keyword: stored, no reply, no opt-out", async () => {
    const phone = "+15555552006";
    const user = await createVerifiedUser(handle.db, phone);
    const messageSid = sid();
    const { reply } = await text(phone, "See you at the bus stop", messageSid);
    expect(reply).toBeNull();
    expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeNull();
    const [stored] = await handle.db.select().from(smsInboundMessages).where(eq(smsInboundMessages.twilioSid, messageSid));
    expect(stored).toMatchObject({ keyword: "none", matchedRule: "none", userId: user.id });
  });

  it("a redelivered webhook (same SID) gets the same reply and is stored once", async () => {
    const phone = "+15555552004";
    const user = await createVerifiedUser(handle.db, phone);
    const messageSid = sid();
    const first = await text(phone, "STOP", messageSid);
    await text(phone, "START"); // user opts back in in between
    const again = await text(phone, "STOP", messageSid);
    expect(again).toEqual({ reply: first.reply, duplicate: true });
    expect((await preferencesOf(handle.db, user.id)).optedOutAt).toBeNull();
    const rows = await handle.db.select().from(smsInboundMessages).where(eq(smsInboundMessages.twilioSid, messageSid));
    expect(rows).toHaveLength(1);
  });

  it("texts from unknown numbers are stored without a user", async () => {
    const messageSid = sid();
    const { reply } = await text("+15555559999", "STOP", messageSid);
    expect(reply).toMatch(/unsubscribed/);
    const [stored] = await handle.db.select().from(smsInboundMessages).where(eq(smsInboundMessages.twilioSid, messageSid));
    expect(stored?.userId).toBeNull();
  });
});

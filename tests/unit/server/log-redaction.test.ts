import { Writable } from "node:stream";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/server/logger";

/** A logger writing into a string, configured exactly as the app's. */
function capture() {
  let output = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  return { log: createLogger(sink), output: () => output };
}

describe("log redaction", () => {
  it("keeps query-string values out of logged URLs and messages", () => {
    const { log, output } = capture();
    log.error(
      { url: "https://sms.example.test/sign-up?name=Ann&email=ann%40example.test&password=hunter2-secret" },
      "GET /api/webhooks/twilio/status?m=3f1c&token=abc123 failed",
    );
    const text = output();
    expect(text).toContain("/sign-up?name=[redacted]&email=[redacted]&password=[redacted]");
    expect(text).toContain("/api/webhooks/twilio/status?m=[redacted]&token=[redacted]");
    expect(text).not.toMatch(/hunter2|ann%40|abc123/);
  });

  it("drops SQL parameters from query errors and masks phone numbers", () => {
    const { log, output } = capture();
    const cause = new Error('duplicate key value violates unique constraint "x"');
    const error = new DrizzleQueryError("insert into sms_messages (to, body) values ($1, $2)", ["+15555550142", "Your code is 123456"], cause);
    log.error({ err: error, to: "+15555550199" }, "insert failed");
    const text = output();
    expect(text).toContain("insert into sms_messages");
    expect(text).not.toContain("+15555550142");
    expect(text).not.toContain("123456");
    expect(text).not.toContain("+15555550199");
  });

  it("removes secret-named fields wherever they are", () => {
    const { log, output } = capture();
    log.warn({ request: { headers: { cookie: "session=abc", authorization: "Bearer xyz" }, body: { password: "p4ss" } } }, "odd");
    expect(output()).not.toMatch(/session=abc|Bearer xyz|p4ss/);
  });
});

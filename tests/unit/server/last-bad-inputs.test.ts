import { describe, expect, it } from "vitest";
import { multiLineText, nameText, oneLineText } from "@/common/text";
import nextConfig from "@/next.config";
import { userNameSchema } from "@/server/auth/credentials";
import { weakPasswordReason } from "@/server/auth/password-strength";
import { testSendSchema } from "@/server/messages/admin-service";
import { messageLogQuerySchema } from "@/server/messages/admin-queries";
import { checkTemplateBody } from "@/server/templates/body-check";
import { templateCreateSchema } from "@/server/templates/admin-schema";
import { renderTemplate } from "@/server/templates/render";
import { userSearchSchema } from "@/server/users/admin-queries";

describe("template variable names are looked up safely", () => {
  const inherited = ["constructor", "to_string", "value_of", "has_own_property"]; // `__proto__` is no placeholder name at all (malformed)
  it.each(["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty"])("{{%s}} in a body is checked without throwing", (name) => {
    const check = checkTemplateBody(`Hi {{${name}}}`);
    expect(check.preview).toBe(`Hi {{${name}}}`);
  });

  it.each(inherited)("{{%s}} is a plain unknown name: rendering says it is missing", (name) => {
    expect(renderTemplate(`Hi {{${name}}}`, {})).toEqual({ ok: false, missing: [name] });
  });

  it("an own value still fills its placeholder", () => {
    expect(renderTemplate("Hi {{constructor}}", { constructor: "Ada" } as Record<string, string>)).toEqual({ ok: true, body: "Hi Ada" });
  });
});

describe("text schemas refuse what the database and the segment counter cannot hold", () => {
  const lone = "a\ud800b";
  it.each([
    ["one-line text: NUL", () => oneLineText("Title", 50).safeParse("a\u0000b")],
    ["one-line text: lone surrogate", () => oneLineText("Title", 50).safeParse(lone)],
    ["multi-line text: NUL", () => multiLineText("Body", 50).safeParse("a\u0000b")],
    ["multi-line text: lone surrogate", () => multiLineText("Body", 50).safeParse(lone)],
    ["multi-line text: over the bound", () => multiLineText("Body", 5).safeParse("123456")],
    ["a name: right-to-left override", () => nameText("Name", 50).safeParse("Eve\u202Enimda")],
    ["a name: isolate", () => userNameSchema.safeParse("Eve\u2067x")],
  ])("%s", (_what, parse) => {
    expect(parse().success).toBe(false);
  });

  it("keeps line breaks, tabs and emoji in multi-line text", () => {
    expect(multiLineText("Body", 50).parse("line one\nline\ttwo 😀")).toBe("line one\nline\ttwo 😀");
  });
});

describe("admin inputs use the bounded text and date schemas", () => {
  const year0 = new Date("0000-01-01T00:00:00Z");
  const far = new Date(8.64e15);
  it.each([
    ["message log: year-0 date", () => messageLogQuerySchema.safeParse({ from: year0 })],
    ["message log: ±275760 date", () => messageLogQuerySchema.safeParse({ to: far })],
    ["message log: cursor date", () => messageLogQuerySchema.safeParse({ cursor: { createdAt: year0, id: crypto.randomUUID() } })],
    ["message log: NUL in recipient", () => messageLogQuerySchema.safeParse({ recipient: "a\u0000" })],
    ["users: lone surrogate in search", () => userSearchSchema.safeParse({ search: "\udc00" })],
    ["users: cursor date", () => userSearchSchema.safeParse({ cursor: { createdAt: far, id: "x" } })],
    ["test send: NUL in a variable", () => testSendSchema.safeParse({ userId: "u", templateKey: "k", variables: { name: "a\u0000" } })],
    ["test send: year-0 schedule", () => testSendSchema.safeParse({ userId: "u", templateKey: "k", scheduledFor: year0 })],
    ["template: lone surrogate in body", () => templateCreateSchema.safeParse({ key: "k", name: "n", category: "task_reminders", body: "x\ud800" })],
    ["template: NUL in name", () => templateCreateSchema.safeParse({ key: "k", name: "n\u0000", category: "task_reminders", body: "x" })],
  ])("%s is refused", (_what, parse) => {
    expect(parse().success).toBe(false);
  });
});

describe("password strength knows the account", () => {
  it("refuses the account's email as its password", () => {
    expect(weakPasswordReason("jane.doe@example.com", { email: "jane.doe@example.com", name: "Jane Doe" })).toMatch(/name|email/);
  });
  it("refuses the site's name with digits", () => {
    expect(weakPasswordReason("buildos123", { email: "x@example.com", name: "X" })).not.toBeNull();
  });
  it("refuses the name run together with a year", () => {
    expect(weakPasswordReason("JaneDoe1987", { email: "jd@example.com", name: "Jane Doe" })).not.toBeNull();
  });
  it("accepts an unrelated passphrase", () => {
    expect(weakPasswordReason("plum-violin-harbour-88", { email: "jane@example.com", name: "Jane" })).toBeNull();
  });
});

describe("API routes carry HSTS", () => {
  it("next.config gives /api/* Strict-Transport-Security", async () => {
    const rules = (await nextConfig.headers?.()) ?? [];
    const api = rules.find((rule) => rule.source === "/api/:path*");
    expect(api?.headers.find((h) => h.key.toLowerCase() === "strict-transport-security")?.value).toMatch(/max-age=\d{7,}/);
  });
});

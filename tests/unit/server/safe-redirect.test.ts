import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, requestedPage, safeRedirectPath } from "@/server/auth/redirect";

const publicUrl = "https://sms.example.test";

describe("where sign-in sends a user", () => {
  it("follows a path on this site, query and hash included", () => {
    expect(safeRedirectPath("/tasks", publicUrl)).toBe("/tasks");
    expect(safeRedirectPath("/settings/sms?tab=history#recent", publicUrl)).toBe("/settings/sms?tab=history#recent");
  });

  it.each([
    ["/\\127.0.0.1:9999/x"], // the reported one: a backslash reads as a slash
    ["/\t/127.0.0.1:9999/x"], // tab and newline are dropped by URL parsers
    ["/\n/127.0.0.1:9999/x"],
    ["//evil.test/x"],
    ["/.//evil.test/x"], // resolves to the path //evil.test/x
    ["https://evil.test/x"],
    ["javascript:alert(1)"],
    ["evil.test"],
    [""],
  ])("refuses %j and falls back to the default", (next) => {
    expect(safeRedirectPath(next, publicUrl)).toBe(DEFAULT_AFTER_SIGN_IN);
  });

  it("refuses anything that is not a string", () => {
    expect(safeRedirectPath(null, publicUrl)).toBe(DEFAULT_AFTER_SIGN_IN);
    expect(safeRedirectPath(undefined, publicUrl)).toBe(DEFAULT_AFTER_SIGN_IN);
  });
});

describe("the page a request asked for (where sign-in comes back to)", () => {
  it("keeps the whole path and query, without Next's _rsc parameter", () => {
    expect(requestedPage(new URL("https://sms.example.test/admin/messages/4f1c?from=2026-01-01&_rsc=1x2y"))).toBe("/admin/messages/4f1c?from=2026-01-01");
    expect(requestedPage(new URL("https://sms.example.test/admin/messages?_rsc=1x2y"))).toBe("/admin/messages");
  });

  it("still goes through the same-origin check at sign-in", () => {
    expect(safeRedirectPath(requestedPage(new URL("https://sms.example.test//evil.test/x")), publicUrl)).toBe(DEFAULT_AFTER_SIGN_IN);
  });
});

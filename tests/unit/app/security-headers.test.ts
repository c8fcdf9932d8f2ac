import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { contentSecurityPolicy, pageSecurityHeaders } from "@/server/http/security-headers";

describe("security headers", () => {
  it("lets only nonce-carrying scripts run, and nobody frame the app", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123", development: false, https: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("form-action 'self'");
  });

  it("adds HSTS and upgrades only when the public URL is https", () => {
    expect(pageSecurityHeaders({ nonce: "n", development: false, https: true })).toMatchObject({
      "strict-transport-security": "max-age=63072000; includeSubDomains",
    });
    expect(pageSecurityHeaders({ nonce: "n", development: false, https: false })).not.toHaveProperty("strict-transport-security");
    expect(contentSecurityPolicy({ nonce: "n", development: false, https: true })).toContain("upgrade-insecure-requests");
  });

  it("sends nosniff, a referrer policy and no framing on every response", async () => {
    const rules = await nextConfig.headers!();
    const everywhere = rules.find((rule) => rule.source === "/:path*")!.headers;
    expect(everywhere).toEqual(
      expect.arrayContaining([
        { key: "X-Content-Type-Options", value: "nosniff" },
        { key: "Referrer-Policy", value: "same-origin" },
        { key: "X-Frame-Options", value: "DENY" },
      ]),
    );
  });
});

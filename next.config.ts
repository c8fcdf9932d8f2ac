import type { NextConfig } from "next";
import { BODY_LIMITS } from "./common/limits";
import { HSTS } from "./server/http/security-headers";

/**
 * Headers every response carries. The Content-Security-Policy of pages (with its per-request
 * nonce) and HSTS come from proxy.ts; API responses get a policy that allows nothing, since
 * they are never meant to render, and HSTS here (build-time config cannot see PUBLIC_URL, and
 * browsers ignore HSTS received over plain http, so it only ever acts on https).
 */
const everywhere = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

const nextConfig: NextConfig = {
  // A self-contained server (.next/standalone/server.js with only the node_modules it needs): what the
  // Dockerfile ships and the production smoke test runs (tests/smoke/standalone-server.test.ts).
  // `npm start` and the end-to-end tests run `next start` on the same build, which Next warns about
  // once at start; it serves the same .next/server output.
  output: "standalone",
  // Read from disk at start (db/client.ts), not imported, so tracing cannot find them on its own.
  outputFileTracingIncludes: { "/*": ["./db/migrations/**/*"] },
  // Native/WASM and Node-only packages load from node_modules at run time instead of being bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pino", "twilio", "postgres", "inngest"],
  experimental: {
    authInterrupts: true,
    // Server actions carry only the sign-in and sign-up forms: the same bound as /api/auth.
    serverActions: { bodySizeLimit: BODY_LIMITS.authBytes },
    // proxy.ts sees page requests only (server-action posts among them): no body it buffers is larger.
    proxyClientMaxBodySize: BODY_LIMITS.trpcBytes,
  },
  // `npm run dev` opened at http://127.0.0.1:PORT must hydrate too (Next only trusts localhost by default).
  allowedDevOrigins: ["127.0.0.1", "[::1]", "::1"],
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: everywhere },
      {
        source: "/api/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
          { key: "Strict-Transport-Security", value: HSTS },
        ],
      },
    ];
  },
};

export default nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/WASM and Node-only packages load from node_modules at run time instead of being bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pino", "twilio", "postgres", "inngest"],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
};

export default nextConfig;

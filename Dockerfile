# syntax=docker/dockerfile:1
# BuildOS SMS as a production image: Next's standalone server (next.config.ts, output
# "standalone") on Node 24, run as the unprivileged `node` user. Configuration comes only from the
# environment (see README, "Self-hosting with Docker Compose", and .env.example); migrations run
# when the server starts. tests/smoke/standalone-server.test.ts runs the same layout in CI.

# The Node that production runs: keep in step with .nvmrc (tests/unit/scripts/deploy-recipe.test.ts checks).
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# patches/ before `npm ci`: its postinstall (patch-package) patches the Inngest SDK.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node_modules/.bin/next build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
# HOSTNAME: Docker sets it to the container id, and the standalone server listens on $HOSTNAME.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
# The code stays root-owned (the app cannot rewrite itself); it writes only Next's cache and .data
# (the generated admin login when ADMIN_PASSWORD is unset, and the auth secret when
# BETTER_AUTH_SECRET is: the compose recipe sets both).
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
RUN mkdir -p .next/cache .data && chown node:node .next/cache .data
USER node
EXPOSE 3000
# /api/health answers 200 only when the database answers (503 otherwise); fetch is built into Node.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EnvError, envSchema, parseEnv } from "@/server/config/env";
import { runtimeModes } from "@/server/config/runtime";

/*
 * The self-hosting recipe (docker-compose.yml, Dockerfile) against what the app requires in
 * production (server/config/env.ts). Images cannot be pulled here, so this reads the files:
 * compose's interpolation is applied with sample values for the deployer's `.env`, and the
 * app service's environment must pass the app's own configuration check as production.
 */
interface Service {
  environment?: Record<string, string | number | boolean | null>;
  command?: string[];
  image?: string;
}
const compose = parse(readFileSync("docker-compose.yml", "utf8")) as { services: Record<string, Service> };
const dockerfile = readFileSync("Dockerfile", "utf8");

/** What a deployer's .env holds, in the shapes the app checks for. */
const DEPLOYER_ENV: Record<string, string> = {
  PUBLIC_URL: "https://sms.example.com",
  APP_DB_PASSWORD: "app-db-password",
  INNGEST_DB_PASSWORD: "inngest-db-password",
  BETTER_AUTH_SECRET: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  ADMIN_EMAIL: "admin@example.com",
  ADMIN_PASSWORD: "a-long-admin-password",
  TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`,
  TWILIO_AUTH_TOKEN: "twilio-auth-token-0123456789",
  TWILIO_MESSAGING_SERVICE_SID: `MG${"b".repeat(32)}`,
  TWILIO_VERIFY_SERVICE_SID: `VA${"c".repeat(32)}`,
  INNGEST_EVENT_KEY: "0123456789abcdef0123456789abcdef",
  INNGEST_SIGNING_KEY: "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
};

/** Compose's `${NAME:?message}` (required), `${NAME:-default}` and `${NAME}`, against the deployer's .env. */
function interpolate(value: string, vars: Record<string, string>, missing: Set<string>): string {
  return value.replace(/\$\{(\w+)(?:(:\?|:-)([^}]*))?\}/g, (_, name: string, kind: string | undefined, rest: string | undefined) => {
    if (vars[name] !== undefined) return vars[name];
    if (kind === ":-") return rest ?? "";
    missing.add(name);
    return "";
  });
}

function serviceEnv(name: string, vars = DEPLOYER_ENV): { env: Record<string, string>; missing: string[] } {
  const missing = new Set<string>();
  const env = Object.fromEntries(
    Object.entries(compose.services[name]?.environment ?? {}).map(([key, value]) => [key, interpolate(String(value ?? ""), vars, missing)]),
  );
  return { env, missing: [...missing] };
}

/** The variables env.ts names as missing for this configuration (every problem at once). */
function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseEnv(env);
    return [];
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    return error.problems.map((problem) => problem.split(":")[0]!);
  }
}

/**
 * Production settings env.ts cannot require, because the embedded default (`npm start` with no
 * configuration) runs without them: the README's production checklist asks for each.
 */
const CHECKLIST = ["DATABASE_URL", "BETTER_AUTH_SECRET", "PUBLIC_URL"];

describe("docker-compose.yml", () => {
  const app = serviceEnv("app");

  it("gives the app a configuration its own check accepts as production: PostgreSQL, Twilio, self-hosted Inngest", () => {
    expect(app.missing).toEqual([]);
    expect(app.env.NODE_ENV).toBe("production");
    const parsed = parseEnv(app.env);
    expect(runtimeModes(parsed)).toMatchObject({
      database: { kind: "postgres" },
      sms: "twilio",
      durableExecution: "inngest-self-hosted",
    });
  });

  it("sets every variable the app requires in production, each from the deployer's .env or fixed by the recipe", () => {
    // What env.ts refuses to start without, in production with Twilio and a self-hosted Inngest.
    const required = new Set([...problems({ NODE_ENV: "production" }), ...problems({ NODE_ENV: "production", SMS_PROVIDER: "twilio" }), ...CHECKLIST]);
    expect(required.size).toBeGreaterThan(CHECKLIST.length);
    for (const name of required) {
      expect(app.env[name], `${name} is required in production but not set for the app in docker-compose.yml`).toBeTruthy();
    }
    // Each is fixed by the recipe or a `${NAME:?…}` placeholder: one left out of .env stops compose
    // with its message instead of reaching the app blank (or with a default).
    for (const name of required) {
      const raw = String(compose.services.app!.environment![name]);
      for (const placeholder of raw.match(/\$\{[^}]*\}/g) ?? []) {
        expect(placeholder, `${name} must be required in .env (\${NAME:?message})`).toMatch(/^\$\{\w+:\?.+\}$/);
      }
    }
  });

  it("names only variables the app reads (a typo would pass silently otherwise)", () => {
    const known = new Set([...Object.keys(envSchema.shape), "PORT", "HOSTNAME"]);
    expect(Object.keys(app.env).filter((key) => !known.has(key))).toEqual([]);
  });

  it("runs Inngest with the app's keys, on its own PostgreSQL and Redis, calling the app where the app says it serves", () => {
    const inngest = serviceEnv("inngest").env;
    expect(inngest.INNGEST_EVENT_KEY).toBe(app.env.INNGEST_EVENT_KEY);
    expect(inngest.INNGEST_SIGNING_KEY).toBe(app.env.INNGEST_SIGNING_KEY);
    expect(new URL(inngest.INNGEST_POSTGRES_URI!).hostname).toBe("inngest-db");
    expect(new URL(inngest.INNGEST_REDIS_URI!).hostname).toBe("inngest-redis");
    expect(new URL(app.env.DATABASE_URL!).hostname).toBe("app-db");
    expect(new URL(app.env.INNGEST_BASE_URL!).hostname).toBe("inngest");
    const command = compose.services.inngest!.command!;
    expect(command[command.indexOf("--sdk-url") + 1]).toBe(`${app.env.INNGEST_SERVE_ORIGIN}/api/inngest`);
  });
});

describe("Dockerfile", () => {
  it("builds on the Node that .nvmrc pins", () => {
    const nvmrc = readFileSync(".nvmrc", "utf8").trim();
    expect(dockerfile).toMatch(new RegExp(`^ARG NODE_VERSION=${nvmrc.replaceAll(".", "\\.")}$`, "m"));
    expect(dockerfile.match(/^FROM node:\$\{NODE_VERSION\}/gm)).toHaveLength(3);
  });

  it("runs the standalone server as a non-root user, with a health check on /api/health", () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/api\/health/m);
    expect(runtime).toMatch(/^CMD \["node", "server\.js"\]$/m);
    expect(runtime).toContain("COPY --from=build /app/.next/standalone ./");
    expect(runtime).toContain("COPY --from=build /app/.next/static ./.next/static");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";

/*
 * Checks that our patch to the Inngest SDK (patches/inngest+4.24.0.patch, applied by
 * `npm install`) is in place. The helpers below are not among the SDK's public exports (nor in
 * its types), so they are imported from its files. Each patched spot ran on every request the
 * executor makes to the app, several times; together they were about a fifth of the app's CPU
 * per text in bench:send. The patch changes what they cost, never what they return.
 */
type Env = Record<string, string | undefined>;
/** One of the SDK's own files (some ship without type declarations). */
const sdkFile = (file: string): Promise<unknown> => import(new URL(`../../../node_modules/inngest/${file}`, import.meta.url).href);
const { getProcessEnv, inngestHeaders } = (await sdkFile("helpers/env.js")) as {
  getProcessEnv: () => Env;
  inngestHeaders: (opts?: { env?: Env }) => Record<string, string>;
};
const { signDataWithKey } = (await sdkFile("helpers/net.js")) as {
  signDataWithKey: (data: unknown, signingKey: string, ts: string, logger: unknown) => Promise<string>;
};
const { parseFnData } = (await sdkFile("helpers/functions.js")) as {
  parseFnData: (data: unknown, headerVersion: unknown, logger: unknown) => { version: number; events: unknown[]; ctx: { attempt: number } };
};
// The zod 3 the SDK bundles for itself (not the app's zod 4).
const { ZodType } = (await sdkFile("node_modules/zod/v3/types.js")) as {
  ZodType: { prototype: object };
};

const logger = { debug() {}, info() {}, warn() {}, error() {} };

/** An environment that records which variables are read and fails if it is enumerated. */
function watchedEnv(values: Env) {
  const read = new Set<string>();
  const env: NodeJS.ProcessEnv = new Proxy(values as NodeJS.ProcessEnv, {
    get(target, key) {
      if (typeof key === "string") read.add(key);
      return target[key as string];
    },
    ownKeys() {
      throw new Error("the whole environment was enumerated");
    },
  });
  return { env, read };
}

/** Counts zod schemas constructed while `run` runs (every zod 3 schema binds `refinement` in its constructor). */
function zodSchemasBuilt(run: () => void): number {
  const proto = ZodType.prototype as { refinement: unknown };
  const original = Object.getOwnPropertyDescriptor(proto, "refinement")!;
  let built = 0;
  Object.defineProperty(proto, "refinement", {
    configurable: true,
    get() {
      built++;
      return original.value;
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, "refinement", { value, writable: true, configurable: true, enumerable: true });
    },
  });
  try {
    run();
  } finally {
    Object.defineProperty(proto, "refinement", original);
  }
  return built;
}

describe("the Inngest SDK, patched for cost", () => {
  const original = process.env;
  afterEach(() => {
    process.env = original;
    vi.restoreAllMocks();
  });

  it("reads the variables it knows by name and never walks the whole environment", () => {
    // Unpatched, the SDK copied every variable of process.env several times per request.
    process.env = watchedEnv({ ...original, INNGEST_ENV: "preview" }).env;
    const env = getProcessEnv();
    expect(env.INNGEST_ENV).toBe("preview");
    expect(JSON.stringify(env)).toBe("{}"); // the SDK's guard against leaking values still holds
  });

  it("builds its response headers from the dozen variables that name the environment and platform", () => {
    const watched = watchedEnv({ PATH: original.PATH, INNGEST_ENV: "preview", VERCEL: "1" });
    process.env = watched.env;
    const headers = inngestHeaders();
    expect(headers["x-inngest-env"]).toBe("preview");
    expect(headers["x-inngest-platform"]).toBe("vercel");
    // Unpatched, every header set read each of the SDK's forty-odd known variables.
    expect(watched.read.size).toBeLessThanOrEqual(12);
    expect(inngestHeaders({ env: { INNGEST_ENV: "given" } })["x-inngest-env"]).toBe("given");
  });

  it("signs with node's HMAC, giving the same signature Web Crypto gives, without Web Crypto's async job", async () => {
    const data = { event: { name: "sms/message.queued" }, steps: {} };
    const ts = "1700000000";
    const key = new TextEncoder().encode("0123456789abcdef");
    const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const expected = Buffer.from(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(JSON.stringify(data) + ts))).toString("hex");

    const subtleSign = vi.spyOn(crypto.subtle, "sign");
    expect(await signDataWithKey(data, "signkey-test-0123456789abcdef", ts, logger)).toBe(expected);
    expect(subtleSign).not.toHaveBeenCalled();
  });

  it("parses a request's run data with schemas built once, not on every request", () => {
    const request = { event: { name: "x", data: {} }, steps: {}, ctx: { run_id: "run-1" }, version: 1 };
    parseFnData(request, undefined, logger); // the first call may build them
    let parsed: ReturnType<typeof parseFnData> | undefined;
    expect(zodSchemasBuilt(() => (parsed = parseFnData(request, undefined, logger)))).toBe(0);
    expect(parsed).toMatchObject({ version: 1, events: [], ctx: { attempt: 0 } });
  });
});

import { afterEach, describe, expect, it } from "vitest";

// Not among the SDK's public exports (nor in its types): this checks that our patch
// (patches/inngest+4.24.0.patch, applied by `npm install`) is in place.
const { getProcessEnv } = (await import("../../../node_modules/inngest/helpers/env.js")) as unknown as {
  getProcessEnv: () => Record<string, string | undefined>;
};

describe("the Inngest SDK's environment reads (patched)", () => {
  const original = process.env;
  afterEach(() => {
    process.env = original;
  });

  it("reads the variables it knows by name and never walks the whole environment", () => {
    // Unpatched, the SDK copied every variable of process.env several times per request.
    process.env = new Proxy(
      { ...original, INNGEST_ENV: "preview" },
      {
        ownKeys() {
          throw new Error("the whole environment was enumerated");
        },
      },
    );
    const env = getProcessEnv();
    expect(env.INNGEST_ENV).toBe("preview");
    expect(JSON.stringify(env)).toBe("{}"); // the SDK's guard against leaking values still holds
  });
});

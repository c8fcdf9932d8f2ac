import { describe, expect, it, vi } from "vitest";

/**
 * Next loads a module once per bundle, so one process can hold two copies of an error class. Each
 * test imports a second copy of the module (vi.resetModules) the way another bundle would, and
 * checks that `instanceof` still recognises the first copy's errors both ways.
 */
async function twoCopies<T>(load: () => Promise<T>): Promise<[T, T]> {
  const first = await load();
  vi.resetModules();
  const second = await load();
  return [first, second];
}

describe("errors recognised across bundles", () => {
  it("ProviderError: a 429 thrown by the provider's copy is a ProviderError to dispatch's copy", async () => {
    const [a, b] = await twoCopies(() => import("@/server/sms/provider/errors"));
    expect(a.ProviderError).not.toBe(b.ProviderError);
    const thrown = a.ProviderError.fromFacts({ httpStatus: 429, retryAfter: "3" }, "rate limited");
    expect(thrown instanceof b.ProviderError).toBe(true);
    expect(new b.ProviderError({ message: "x", kind: "permanent", reason: "x" }) instanceof a.ProviderError).toBe(true);
    expect(new Error("plain") instanceof b.ProviderError).toBe(false);
    expect(new a.InvalidStatusCallbackError("bad") instanceof b.InvalidStatusCallbackError).toBe(true);
    expect(thrown instanceof b.InvalidStatusCallbackError).toBe(false);
  });

  it("DomainError, EnvError, JobPayloadError and SandboxUnavailableError", async () => {
    const [d1, d2] = await twoCopies(() => import("@/server/errors"));
    expect(new d1.DomainError("CONFLICT", "x") instanceof d2.DomainError).toBe(true);
    const [e1, e2] = await twoCopies(() => import("@/server/config/env"));
    expect(new e1.EnvError(["x"]) instanceof e2.EnvError).toBe(true);
    const [j1, j2] = await twoCopies(() => import("@/server/jobs/define"));
    expect(new j1.JobPayloadError("e", "x") instanceof j2.JobPayloadError).toBe(true);
    const [s1, s2] = await twoCopies(() => import("@/server/sandbox-phone/client"));
    expect(new s1.SandboxUnavailableError("x") instanceof s2.SandboxUnavailableError).toBe(true);
    expect(new d1.DomainError("CONFLICT", "x") instanceof s2.SandboxUnavailableError).toBe(false);
  });

  it("each keeps its own name, its message and its place among Errors", async () => {
    const { ProviderError, InvalidStatusCallbackError } = await import("@/server/sms/provider/errors");
    const { DomainError } = await import("@/server/errors");
    const { EnvError } = await import("@/server/config/env");
    const { JobPayloadError } = await import("@/server/jobs/define");
    const { SandboxUnavailableError } = await import("@/server/sandbox-phone/client");
    const errors = [
      new ProviderError({ message: "m", kind: "permanent", reason: "r" }),
      new InvalidStatusCallbackError("m"),
      new DomainError("CONFLICT", "m"),
      new EnvError(["m"]),
      new JobPayloadError("e", "m"),
      new SandboxUnavailableError("m"),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      "ProviderError",
      "InvalidStatusCallbackError",
      "DomainError",
      "EnvError",
      "JobPayloadError",
      "SandboxUnavailableError",
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toContain("m");
    }
    expect(errors.filter((e) => e instanceof DomainError)).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { processSingleton } from "@/server/process-singleton";

const names: string[] = [];
function uniqueName(label: string) {
  const name = `test-${label}-${Math.random().toString(36).slice(2)}`;
  names.push(name);
  return name;
}

afterEach(() => {
  for (const name of names.splice(0)) delete (globalThis as Record<symbol, unknown>)[Symbol.for(`buildos-sms.${name}`)];
});

describe("processSingleton", () => {
  it("makes the value once, on first use", () => {
    const create = vi.fn(() => ({ opened: true }));
    const get = processSingleton(uniqueName("once"), create);
    expect(create).not.toHaveBeenCalled();
    const first = get();
    expect(get()).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("gives every copy of the module the same value (Next loads a module once per bundle)", async () => {
    const name = uniqueName("bundles");
    const value = processSingleton(name, () => ({ copy: "first" }))();
    vi.resetModules();
    const secondCopy = await import("@/server/process-singleton");
    expect(secondCopy.processSingleton).not.toBe(processSingleton);
    const create = vi.fn(() => ({ copy: "second" }));
    expect(secondCopy.processSingleton(name, create)()).toBe(value);
    expect(create).not.toHaveBeenCalled();
  });

  it("keeps a failed start failed instead of starting again behind the caller's back", async () => {
    const create = vi.fn(() => Promise.reject(new Error("database unreachable")));
    const start = processSingleton(uniqueName("failed"), create);
    await expect(start()).rejects.toThrow("database unreachable");
    await expect(start()).rejects.toThrow("database unreachable");
    expect(create).toHaveBeenCalledTimes(1);
  });
});

/**
 * A value made once per process, on first use.
 *
 * Next bundles instrumentation, every route and every page separately, so a module can be
 * loaded several times in one server and a module-level `let` would exist once per bundle.
 * `globalThis` is shared by all of them; the registry key is `Symbol.for`, so every copy
 * of this module finds the same value. (A failed start stays failed: a rejected promise is
 * kept like any other value, so nothing half-started is retried behind the caller's back.)
 */
export function processSingleton<T>(name: string, create: () => T): () => T {
  const key = Symbol.for(`buildos-sms.${name}`);
  const registry = globalThis as { [key: symbol]: T | undefined };
  return () => {
    if (!(key in registry)) registry[key] = create();
    return registry[key] as T;
  };
}

/**
 * `instanceof` that holds across Next's bundles.
 *
 * Next bundles instrumentation, every route and every page separately, so one server process can
 * hold several copies of a module, each with its own copy of a class. A value made by one copy
 * (the process-wide SMS provider throws the ProviderError of whichever bundle built it) fails
 * `instanceof` against another copy's class, and a fault path silently takes the wrong branch:
 * a Twilio 429 read as an unexpected error. An error class built on `crossBundleError` tags its
 * instances with a `Symbol.for` brand (one registry per process) and answers `instanceof` by the
 * brand, so every copy of the class recognises every copy's instances.
 */
function crossBundleBrand(name: string) {
  const tag = Symbol.for(`buildos-sms.class.${name}`);
  return {
    tag,
    /** Whether `value` was made by any copy of the branded class. */
    has(value: unknown): boolean {
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[tag] === true;
    },
  };
}

/**
 * The base of an error class that `instanceof` recognises across bundles, named `name` (also its
 * brand, so it must be unique): `class DomainError extends crossBundleError("DomainError") { … }`.
 */
export function crossBundleError(name: string) {
  const brand = crossBundleBrand(name);
  return class CrossBundleError extends Error {
    /** Answers by brand, so copies of this class in other Next bundles recognise each other's errors. */
    static [Symbol.hasInstance](value: unknown): boolean {
      return brand.has(value);
    }
    readonly [brand.tag] = true;
    override name = name;
  };
}

import type { z } from "zod";

/**
 * Inputs for a zod schema, for property-style tests of every procedure: a plausible value (one
 * that passes where the schema is simple enough to guess), every hostile value put in each leaf
 * in turn with the rest plausible, and seeded random mixes. Hostile values are what broke
 * procedures before: NUL, lone surrogates, bidi controls, huge text, year 0 and ±275760 dates,
 * NaN and infinities, prototype names as keys, the wrong type altogether.
 */
type Schema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;
type Bag = { minimum?: number; maximum?: number; format?: string; patterns?: Set<RegExp> };

const defOf = (schema: Schema) => (schema as unknown as { _zod: { def: Def; bag: Bag } })._zod.def;
const bagOf = (schema: Schema) => (schema as unknown as { _zod: { def: Def; bag: Bag } })._zod.bag ?? {};

export const HOSTILE_STRINGS = ["", "\u0000", "nul\u0000in the middle", "half \ud800 an emoji", "\udc00", "bidi \u202Eevil", "x".repeat(5_000), "{{constructor}}", "__proto__", " \n\t "];
export const HOSTILE_DATES = [new Date("0000-01-01T00:00:00Z"), new Date(8.64e15), new Date(-8.64e15), new Date(Number.NaN), new Date("1899-12-31T23:59:59Z")];
export const HOSTILE_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, 1e300, 2 ** 53 + 1, 0.5];
const HOSTILE_ANY: unknown[] = [null, true, 0, "", [], {}, { __proto__: { polluted: true } }, new Date(Number.NaN), ["\u0000"]];
const CANDIDATE_STRINGS = ["a", "abc", "Ada", "task_reminders", "+12065550100", "12345", "a@example.test", "https://example.test/"];

function plausibleString(schema: Schema): string {
  const bag = bagOf(schema);
  if (bag.format === "uuid" || bag.format === "guid") return "00000000-0000-4000-8000-000000000000";
  if (bag.format === "email") return "someone@example.test";
  if (bag.format === "url") return "https://example.test/";
  const patterns = [...(bag.patterns ?? [])];
  const fits = (s: string) => patterns.every((p) => new RegExp(p.source, p.flags.replace("g", "")).test(s));
  return CANDIDATE_STRINGS.find((s) => fits(s) && s.length >= (bag.minimum ?? 0)) ?? "a";
}

/** A value that passes the schema where it can be guessed. */
export function plausible(schema: Schema, depth = 0): unknown {
  const def = defOf(schema);
  if (depth > 8) return undefined;
  switch (def.type) {
    case "string":
      return plausibleString(schema);
    case "number":
    case "int": {
      const bag = bagOf(schema);
      return Math.max(1, bag.minimum ?? 1);
    }
    case "bigint":
      return 1n;
    case "boolean":
      return true;
    case "date":
      return new Date("2030-01-01T12:00:00Z");
    case "literal":
      return (def.values as unknown[])[0];
    case "enum":
      return Object.values(def.entries as Record<string, unknown>)[0];
    case "object":
      return Object.fromEntries(Object.entries(def.shape as Record<string, Schema>).map(([key, child]) => [key, plausible(child, depth + 1)]));
    case "array":
      return [];
    case "record":
      return {};
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return plausible(def.innerType as Schema, depth + 1);
    case "pipe":
      return plausible(def.in as Schema, depth + 1);
    case "union":
      return plausible((def.options as Schema[])[0]!, depth + 1);
    case "lazy":
      return plausible((def.getter as () => Schema)(), depth + 1);
    default:
      return undefined;
  }
}

function hostileLeaves(schema: Schema, depth: number): unknown[] {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return [...HOSTILE_STRINGS, 42, null];
    case "number":
    case "int":
      return [...HOSTILE_NUMBERS, "1", null];
    case "date":
      return [...HOSTILE_DATES, "2030-01-01", 0];
    case "boolean":
    case "literal":
    case "enum":
      return ["nope", 1, null];
    case "record":
      return [{ constructor: "x", toString: "y", __proto__: "z", valid_name: "\u0000" }, { ["x".repeat(300)]: "v" }, []];
    case "array":
      return [Array.from({ length: 500 }, () => "a"), ["\u0000"], {}];
    default:
      return depth > 0 ? HOSTILE_ANY : [];
  }
}

/**
 * The plausible value, then each hostile value in each leaf (the rest plausible), at most `cap`.
 * A bound lost anywhere in the input shows up as one of these.
 */
export function sweep(schema: Schema, cap = 300): unknown[] {
  const out: unknown[] = [plausible(schema)];
  const visit = (node: Schema, depth: number, place: (value: unknown) => unknown) => {
    if (out.length >= cap || depth > 8) return;
    const def = defOf(node);
    switch (def.type) {
      case "object": {
        const base = plausible(node, depth) as Record<string, unknown>;
        for (const [key, child] of Object.entries(def.shape as Record<string, Schema>)) {
          visit(child, depth + 1, (value) => place({ ...base, [key]: value }));
        }
        for (const extra of ["__proto__", "constructor", "unexpected"]) out.push(place({ ...base, [extra]: "x" }));
        return;
      }
      case "array":
        visit(def.element as Schema, depth + 1, (value) => place([value]));
        break;
      case "record":
        visit(def.valueType as Schema, depth + 1, (value) => place({ key_name: value }));
        break;
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "catch":
      case "nonoptional":
        visit(def.innerType as Schema, depth + 1, place);
        return;
      case "pipe":
        visit(def.in as Schema, depth + 1, place);
        return;
      case "union":
        for (const option of def.options as Schema[]) visit(option, depth + 1, place);
        return;
      case "lazy":
        visit((def.getter as () => Schema)(), depth + 1, place);
        return;
    }
    for (const value of hostileLeaves(node, depth)) if (out.length < cap) out.push(place(value));
  };
  visit(schema, 0, (value) => value);
  for (const value of HOSTILE_ANY) out.push(value);
  return out.slice(0, cap);
}

/** A seeded generator (mulberry32): the same inputs every run, so a failure reproduces. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random input: each node plausible or hostile, by coin. */
export function randomInput(schema: Schema, random: () => number, depth = 0): unknown {
  const def = defOf(schema);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  if (depth > 8) return undefined;
  if (random() < 0.25) {
    const hostile = hostileLeaves(schema, depth);
    if (hostile.length > 0) return pick(hostile);
  }
  switch (def.type) {
    case "object": {
      const value: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(def.shape as Record<string, Schema>)) {
        if (random() < 0.85) value[key] = randomInput(child, random, depth + 1);
      }
      return value;
    }
    case "array":
      return Array.from({ length: Math.floor(random() * 4) }, () => randomInput(def.element as Schema, random, depth + 1));
    case "record":
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 3) }, () => [pick(["name", "constructor", "to_string", "a_1"]), randomInput(def.valueType as Schema, random, depth + 1)]),
      );
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return random() < 0.2 ? pick([undefined, null]) : randomInput(def.innerType as Schema, random, depth + 1);
    case "pipe":
      return randomInput(def.in as Schema, random, depth + 1);
    case "union":
      return randomInput(pick(def.options as Schema[]), random, depth + 1);
    case "lazy":
      return randomInput((def.getter as () => Schema)(), random, depth + 1);
    default:
      return random() < 0.5 ? plausible(schema, depth) : pick([...hostileLeaves(schema, depth), plausible(schema, depth)]);
  }
}

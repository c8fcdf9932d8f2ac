import { parse, type ParseResult } from "@marcbachmann/cel-js";

// CEL as Inngest uses it: trigger `expression`, cancel/waitForEvent `if` (with `event` and
// `async`), and idempotency/concurrency/throttle/priority keys (with `event`).
// cel-js throws on a missing key; Inngest treats that as "no match", and so do we.

export type CelVariables = { event: unknown; async?: unknown };

const compiled = new Map<string, ParseResult | Error>();

function compile(expression: string): ParseResult | Error {
  let program = compiled.get(expression);
  if (!program) {
    try {
      program = parse(expression);
    } catch (error) {
      program = error instanceof Error ? error : new Error(String(error));
    }
    compiled.set(expression, program);
  }
  return program;
}

/** Evaluates an expression; returns `undefined` when parsing or evaluation fails. */
export function celEvaluate(expression: string, variables: CelVariables): unknown {
  const program = compile(expression);
  if (program instanceof Error) return undefined;
  try {
    const value: unknown = program(variables);
    return typeof value === "bigint" ? Number(value) : value;
  } catch {
    return undefined;
  }
}

/** A missing expression matches; anything but a literal `true` result does not. */
export function celMatches(expression: string | undefined | null, variables: CelVariables): boolean {
  if (!expression || expression.trim() === "") return true;
  return celEvaluate(expression, variables) === true;
}

/** Evaluates a key expression into a string (objects as JSON); null when it cannot be evaluated. */
export function celKey(expression: string, variables: CelVariables): string | null {
  const value = celEvaluate(expression, variables);
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

/** Returns the syntax error message of an expression, or null when it parses. */
export function celSyntaxError(expression: string): string | null {
  const program = compile(expression);
  return program instanceof Error ? program.message : null;
}

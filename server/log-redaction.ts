import pino from "pino";

/**
 * What logs must never hold: values that can carry a secret or a phone number. URLs keep their
 * path and parameter names but lose the values of their query strings (tokens, passwords typed
 * into a GET form, `To=+1…`); SQL errors lose their parameters; E.164 numbers are masked
 * wherever they appear.
 */
const QUERY_STRING = /\?([^\s"'#<>]*)/g;
const E164 = /\+[1-9]\d{6,14}\b/g;
const SQL_PARAMS = /\bparams: [\s\S]*$/;
const SECRET_KEYS = /password|secret|token|authorization|cookie|signature|api[-_]?key/i;

export function redactText(text: string): string {
  return text
    .replace(SQL_PARAMS, "params: [redacted]")
    .replace(QUERY_STRING, (_match, query: string) => {
      const names = query
        .split("&")
        .filter(Boolean)
        .map((pair) => `${pair.split("=")[0]}=[redacted]`);
      return names.length > 0 ? `?${names.join("&")}` : "?";
    })
    .replace(E164, "+[phone]");
}

/** A log record's fields with every string redacted and secret-named fields removed (errors are left to `serializeError`). */
export function redactFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object" || value instanceof Error || depth > 4) return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    result[key] = SECRET_KEYS.test(key) ? "[redacted]" : redactFields(field, depth + 1);
  }
  return result;
}

/** pino's error serializer, without the SQL parameters drizzle and postgres.js attach to query errors. */
export function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const { params: _params, parameters: _parameters, query: _query, ...rest } = serialized;
  return redactFields(rest) as Record<string, unknown>;
}

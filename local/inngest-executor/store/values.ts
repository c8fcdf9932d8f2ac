import { z } from "zod";

// Conversions between JS values and SQL parameters/results that behave the same on PGlite and
// postgres.js: times go in as ISO text (cast to timestamptz in SQL) and come back as Date; JSON goes
// in as text and is cast with `$n::text::jsonb` (a bare `$n::jsonb` makes postgres.js JSON-encode
// the string a second time); int8 comes back as number or string.

export const iso = (ms: number): string => new Date(ms).toISOString();

export const json = (value: unknown): string => JSON.stringify(value ?? null);

export const timeMs = z.union([z.date(), z.string()]).transform((value) => new Date(value).getTime());
export const nullableTimeMs = timeMs.nullable();
export const int = z.union([z.number(), z.string(), z.bigint()]).transform((value) => Number(value));

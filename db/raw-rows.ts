import type { SQL } from "drizzle-orm";
import { z } from "zod";
import { executeRows, preparedRows, type Db, type DbOrTx } from "./client";

/**
 * Raw SQL results (`db.execute`) in one shape whichever driver ran them. PGlite and postgres.js
 * differ in what a column comes back as: a timestamp is a Date from a table column but ISO text
 * when built into json; a bigint count is a number from PGlite and text from postgres.js; a json
 * value is parsed by PGlite and sometimes text through postgres.js. A query names its row's
 * columns with these types, and `queryRows` parses every row: domain code sees Dates, numbers and
 * objects, and a row of an unexpected shape fails loudly instead of being cast.
 */
export const column = {
  /** timestamptz: a Date or ISO text → a valid Date. */
  timestamp: z
    .union([z.date(), z.string()])
    .transform((value) => new Date(value))
    .pipe(z.date()),
  /** A count (bigint or numeric): a number or its text → number. */
  count: z.union([z.number(), z.string()]).transform(Number).pipe(z.number()),
  /** json / jsonb: parsed already or its text → checked with `schema`. */
  json: <T extends z.ZodType>(schema: T) => z.preprocess((value) => (typeof value === "string" ? JSON.parse(value) : value), schema),
};

/**
 * The array schema of a row schema, made once: building a zod schema costs more than parsing a
 * page of rows with it, and row schemas are module constants.
 */
const arraysOf = new WeakMap<z.ZodType, z.ZodArray<z.ZodType>>();
function rowsOf<S extends z.ZodType>(row: S): z.ZodArray<S> {
  let rows = arraysOf.get(row);
  if (rows === undefined) arraysOf.set(row, (rows = z.array(row)));
  return rows as z.ZodArray<S>;
}

/** The rows of a raw query, each parsed with `row` (built from `column` and plain zod types). */
export async function queryRows<S extends z.ZodType>(db: DbOrTx, query: SQL, row: S): Promise<Array<z.output<S>>> {
  return rowsOf(row).parse(await executeRows(db, query));
}

/** The one row of a raw query that always returns exactly one (a `select exists (…)` after its writes), parsed with `row`. */
export async function queryOneRow<S extends z.ZodType>(db: DbOrTx, query: SQL, row: S): Promise<z.output<S>> {
  const [only, ...more] = await queryRows(db, query, row);
  if (only === undefined || more.length > 0) throw new Error(`expected one row, got ${more.length + (only === undefined ? 0 : 1)}`);
  return only;
}

/** The rows of a prepared statement (`preparedRows`, for hot paths), each parsed with `row`. */
export async function preparedQueryRows<S extends z.ZodType>(
  db: Db,
  text: string,
  params: ReadonlyArray<string | number | boolean | null>,
  row: S,
): Promise<Array<z.output<S>>> {
  return rowsOf(row).parse(await preparedRows(db, text, params));
}

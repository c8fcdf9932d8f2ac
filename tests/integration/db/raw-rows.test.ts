import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { column, preparedQueryRows, queryOneRow, queryRows } from "@/db/raw-rows";
import { testDatabases, type TestDatabase } from "@/tests/helpers/test-db";

/*
 * Raw queries come back in one shape on both drivers: the same statement, the same row schema,
 * the same values — though PGlite and postgres.js hand back different JavaScript for them.
 */
const row = z.object({
  at: column.timestamp,
  at_in_json: column.json(z.object({ at: column.timestamp })),
  n: column.count,
  total: column.count,
  doc: column.json(z.object({ a: z.number(), tags: z.array(z.string()) })),
  missing: column.timestamp.nullable(),
});

const query = sql`
  select '2030-01-02T03:04:05.678Z'::timestamptz as at,
         json_build_object('at', '2030-01-02T03:04:05.678Z'::timestamptz) as at_in_json,
         count(*) as n,
         sum(x)::numeric(10, 2) as total,
         '{"a": 1, "tags": ["x"]}'::jsonb as doc,
         null::timestamptz as missing
  from (values (1), (2), (3)) v(x)`;

describe.each(testDatabases().map((d) => [d.name, d] as [string, TestDatabase]))("raw rows on %s", (_name, database) => {
  let handle: Awaited<ReturnType<TestDatabase["open"]>>;
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle.drop());

  it("parses each driver's columns into Dates, numbers and objects", async () => {
    const at = new Date("2030-01-02T03:04:05.678Z");
    expect(await queryRows(handle.db, query, row)).toEqual([
      { at, at_in_json: { at }, n: 3, total: 6, doc: { a: 1, tags: ["x"] }, missing: null },
    ]);
  });

  it("refuses a row of another shape instead of casting it", async () => {
    await expect(queryRows(handle.db, sql`select 'not a date' as at`, z.object({ at: column.timestamp }))).rejects.toThrow();
    await expect(queryRows(handle.db, sql`select 'many' as n`, z.object({ n: column.count }))).rejects.toThrow();
    await expect(queryRows(handle.db, sql`select 1 as other`, z.object({ at: column.timestamp }))).rejects.toThrow();
  });

  it("queryOneRow answers the one row, and fails when there is none or more than one", async () => {
    const one = z.object({ n: z.number() });
    expect(await queryOneRow(handle.db, sql`select 1 as n`, one)).toEqual({ n: 1 });
    await expect(queryOneRow(handle.db, sql`select 1 as n where false`, one)).rejects.toThrow("expected one row, got 0");
    await expect(queryOneRow(handle.db, sql`select n from (values (1), (2)) v(n)`, one)).rejects.toThrow("expected one row, got 2");
  });

  it("parses a prepared statement's rows the same way", async () => {
    const at = new Date("2030-01-02T03:04:05.678Z");
    const text = "select $1::timestamptz as at, count(*) as n from (values (1), (2)) v(x)";
    const rows = await preparedQueryRows(handle.db, text, [at.toISOString()], z.object({ at: column.timestamp, n: column.count }));
    expect(rows).toEqual([{ at, n: 2 }]);
  });
});

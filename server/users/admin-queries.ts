import { sql } from "drizzle-orm";
import { z } from "zod";
import { boundedDate, oneLineText } from "@/common/text";
import { column, queryRows } from "@/db/raw-rows";
import { optOutSource, userRole } from "@/db/schema";
import { DomainError } from "../errors";
import type { AdminActor, ServiceContext } from "../service-context";
import { escapeLike, phoneSearchTerm } from "./phone-search";
import { createdAtCursor, fetchLimit, keysetPage } from "../keyset-page";

const USERS_PAGE_SIZE = 25;

export const userSearchSchema = z
  .object({
    /** Part of an email address, or a phone number in any common form. */
    search: oneLineText("Search", 254).optional(),
    /** Only users who can be texted (a verified number, not opted out): the test-send picker. */
    textableOnly: z.boolean().default(false),
    cursor: z.object({ createdAt: boundedDate("Not a user cursor"), id: oneLineText("Cursor", 200).pipe(z.string().min(1)) }).strict().nullish(),
    // Sent by tRPC's infinite queries; the list only pages forward.
    direction: z.literal("forward").optional(),
    limit: z.number().int().min(1).max(100).default(USERS_PAGE_SIZE),
  })
  .strict();

export type UserSearch = z.infer<typeof userSearchSchema>;

const userRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(userRole.enumValues),
  created_at: column.timestamp,
  phone: z.string().nullable(),
  phone_verified_at: column.timestamp.nullable(),
  opted_out_at: column.timestamp.nullable(),
  opt_out_source: z.enum(optOutSource.enumValues).nullable(),
  texts_this_month: column.count,
});

/** The first instant of the current UTC month: "texts this month" counts from here. */
function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * Users for the admin, newest first, keyset-paginated on (created_at, id). A search with an `@`
 * or letters matches part of the email (any case); one that reads as a phone number matches
 * the verified number exactly. Each row carries the number, its opt-out state and source, and
 * the texts sent to the user this month (counted on the per-user message index, page rows only).
 */
export async function searchUsersForAdmin({ db }: ServiceContext<AdminActor>, query: UserSearch, now = new Date()) {
  const term = query.search ? phoneSearchTerm(query.search) : null;
  if (term?.kind === "invalid") {
    throw new DomainError("BAD_REQUEST", "Search by part of an email address or a whole phone number", { field: "search" });
  }
  const filters = [
    term?.kind === "email" ? sql`u.email ilike ${`%${escapeLike(term.text)}%`}` : null,
    term?.kind === "phone" ? sql`p.phone = ${term.phone} and p.phone_verified_at is not null` : null,
    query.textableOnly ? sql`p.phone_verified_at is not null and p.opted_out_at is null` : null,
    query.cursor
      ? sql`(u.created_at, u.id) < (${query.cursor.createdAt.toISOString()}::timestamptz, ${query.cursor.id})`
      : null,
  ].filter((f) => f !== null);
  const where = filters.length > 0 ? sql`where ${sql.join(filters, sql` and `)}` : sql``;
  const rows = await queryRows(
    db,
    sql`
    select u.id, u.email, u.name, u.role, u.created_at, p.phone, p.phone_verified_at, p.opted_out_at, p.opt_out_source,
           (select count(*) from sms_messages m
             where m.user_id = u.id and m.created_at >= ${monthStart(now).toISOString()}::timestamptz
               and m.sent_at is not null)::int as texts_this_month
    from users u
    left join user_sms_preferences p on p.user_id = u.id
    ${where}
    order by u.created_at desc, u.id desc
    limit ${fetchLimit(query.limit)}`,
    userRow,
  );
  return keysetPage(
    rows,
    query.limit,
    (row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      createdAt: row.created_at,
      phone: row.phone_verified_at ? row.phone : null,
      phoneVerifiedAt: row.phone_verified_at,
      optedOutAt: row.opted_out_at,
      optOutSource: row.opt_out_source,
      textsThisMonth: row.texts_this_month,
    }),
    createdAtCursor,
  );
}


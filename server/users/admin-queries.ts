import { sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows } from "@/db/client";
import type { optOutSource, userRole } from "@/db/schema";
import { DomainError } from "../errors";
import type { AdminActor, ServiceContext } from "../service-context";
import { escapeLike, phoneSearchTerm } from "./phone-search";

const USERS_PAGE_SIZE = 25;

export const userSearchSchema = z
  .object({
    /** Part of an email address, or a phone number in any common form. */
    search: z.string().trim().max(254, "Search by an email address or a phone number").optional(),
    /** Only users who can be texted (a verified number, not opted out): the test-send picker. */
    textableOnly: z.boolean().default(false),
    cursor: z.object({ createdAt: z.date(), id: z.string().min(1).max(200) }).strict().nullish(),
    // Sent by tRPC's infinite queries; the list only pages forward.
    direction: z.literal("forward").optional(),
    limit: z.number().int().min(1).max(100).default(USERS_PAGE_SIZE),
  })
  .strict();

export type UserSearch = z.infer<typeof userSearchSchema>;

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: (typeof userRole.enumValues)[number];
  created_at: Date | string;
  phone: string | null;
  phone_verified_at: Date | string | null;
  opted_out_at: Date | string | null;
  opt_out_source: (typeof optOutSource.enumValues)[number] | null;
  texts_this_month: number | string;
};

const asDate = (value: Date | string | null) => (value === null ? null : new Date(value));

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
  const rows = await executeRows<UserRow>(
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
    limit ${query.limit + 1}`,
  );
  const items = rows.slice(0, query.limit).map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: new Date(row.created_at),
    phone: row.phone_verified_at ? row.phone : null,
    phoneVerifiedAt: asDate(row.phone_verified_at),
    optedOutAt: asDate(row.opted_out_at),
    optOutSource: row.opt_out_source,
    textsThisMonth: Number(row.texts_this_month),
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}


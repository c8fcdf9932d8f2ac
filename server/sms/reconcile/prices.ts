import { sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows } from "@/db/client";
import { ProviderError } from "../provider";
import type { ReconcileDeps, SweepPage, TimeCursor } from "./deps";
import { timeKeysetPage } from "./keyset-page";
import { mapLimited, RECONCILE_POLICY } from "./policy";

export type PriceOutcome = "priced" | "no_price" | "fetch_error";

/**
 * One page of finished texts (delivered, or undelivered: carriers may bill those too) without a
 * price: status callbacks carry none, so the price is fetched from Twilio once, `priceAfterMs`
 * after the final status. `price_fetched_at` is set whatever came back, so a text Twilio never
 * prices is not fetched again; a failed fetch is tried again next tick.
 */
export async function fetchMissingPricesPage(
  deps: ReconcileDeps,
  { now, after, limit }: { now: Date; after: TimeCursor | null; limit: number },
): Promise<SweepPage<TimeCursor, PriceOutcome>> {
  const at = now.toISOString();
  const { rows, next } = await timeKeysetPage(
    deps.db,
    {
      key: sql`m.updated_at`,
      columns: sql`m.twilio_sid`,
      where: sql`m.status in ('delivered', 'undelivered') and m.price is null and m.price_fetched_at is null
        and m.updated_at < ${at}::timestamptz - make_interval(secs => ${RECONCILE_POLICY.priceAfterMs / 1000})
        and m.twilio_sid is not null`,
      after,
      limit,
    },
    { twilio_sid: z.string() },
  );
  const counts: Record<PriceOutcome, number> = { priced: 0, no_price: 0, fetch_error: 0 };
  await mapLimited(rows, RECONCILE_POLICY.concurrency, async (row) => {
    let answer: { price: string | null; priceUnit: string | null };
    try {
      answer = await deps.provider.fetch(row.twilio_sid);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      deps.log.warn({ messageId: row.id, reason: error.message }, "reconcile: Twilio price fetch failed");
      counts.fetch_error += 1;
      // A permanent answer (not found, say) will not change: it counts as the one fetch.
      if (error.kind !== "permanent") return;
      answer = { price: null, priceUnit: null };
    }
    await executeRows(
      deps.db,
      sql`update sms_messages set price = coalesce(price, ${answer.price}::numeric), price_unit = coalesce(price_unit, ${answer.priceUnit}::text),
            price_fetched_at = ${at}::timestamptz
          where id = ${row.id}::uuid and price_fetched_at is null`,
    );
    if (answer.price !== null) counts.priced += 1;
    else counts.no_price += 1;
  });
  return { next, counts };
}

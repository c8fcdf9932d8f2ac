import { sql, type SQL } from "drizzle-orm";

/**
 * Histogram buckets for time to delivery (from when a text was due, see aggregate.ts): whole seconds below 2 minutes, 10 seconds
 * below 10 minutes, minutes below an hour, hours below a day, then one overflow bucket: at most
 * 242 rows per day in the rollup (the 90-day dashboard reads them all), exact where texts
 * usually land. The SQL and the inverse below are the one definition of the buckets; changing
 * them needs a migration that empties the rollup (see 0008_latency_buckets.sql).
 */
export function latencyBucketSql(seconds: SQL): SQL {
  return sql`(case
    when ${seconds} < 120 then floor(${seconds})
    when ${seconds} < 600 then 120 + floor((${seconds} - 120) / 10)
    when ${seconds} < 3600 then 168 + floor((${seconds} - 600) / 60)
    when ${seconds} < 86400 then 218 + floor((${seconds} - 3600) / 3600)
    else 241 end)::smallint`;
}

/** The smallest latency (seconds) that falls in a bucket. */
export function bucketStartSeconds(bucket: number): number {
  if (bucket < 120) return bucket;
  if (bucket < 168) return 120 + (bucket - 120) * 10;
  if (bucket < 218) return 600 + (bucket - 168) * 60;
  if (bucket < 241) return 3600 + (bucket - 218) * 3600;
  return 86_400;
}

/** The p-quantile (0..1) of a histogram, as the start of the bucket it falls in; null when empty. */
export function histogramQuantile(histogram: { bucket: number; messages: number }[], p: number): number | null {
  const sorted = [...histogram].sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, row) => sum + row.messages, 0);
  if (total === 0) return null;
  // Nearest-rank: the smallest value with at least p of the observations at or below it.
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const row of sorted) {
    seen += row.messages;
    if (seen >= rank) return bucketStartSeconds(row.bucket);
  }
  return bucketStartSeconds(sorted[sorted.length - 1]!.bucket);
}

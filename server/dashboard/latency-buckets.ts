import { sql, type SQL } from "drizzle-orm";

/**
 * Histogram buckets for request-to-delivery time: whole seconds below 10 minutes (exact for
 * what a dashboard shows), minutes below an hour, hours below a day, then one overflow bucket.
 * The SQL and the inverse below are the one definition of the buckets.
 */
export function latencyBucketSql(seconds: SQL): SQL {
  return sql`(case
    when ${seconds} < 600 then floor(${seconds})
    when ${seconds} < 3600 then 600 + floor((${seconds} - 600) / 60)
    when ${seconds} < 86400 then 650 + floor((${seconds} - 3600) / 3600)
    else 673 end)::smallint`;
}

/** The smallest latency (seconds) that falls in a bucket. */
export function bucketStartSeconds(bucket: number): number {
  if (bucket < 600) return bucket;
  if (bucket < 650) return 600 + (bucket - 600) * 60;
  if (bucket < 673) return 3600 + (bucket - 650) * 3600;
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

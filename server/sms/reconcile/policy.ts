const MINUTE = 60_000;

/** The waits reconciliation works by (documented in docs/ARCHITECTURE.md, "Crons"). */
export const RECONCILE_POLICY = {
  /** An `unknown` text Twilio has no record of this long after its claim is sent again (once). */
  requeueAfterMs: 15 * MINUTE,
  /** The Twilio lookup starts this long before the claim: covers clock skew between us and Twilio. */
  lookupSlackMs: 10 * MINUTE,
  /** A text `sending`/`sent` with no news for this long is fetched from Twilio (again every as long). */
  stuckAfterMs: 30 * MINUTE,
  /** In-flight texts older than this are left alone: some carriers never confirm delivery. */
  giveUpAfterMs: 48 * 60 * MINUTE,
  /** Twilio fills in the price a little after the final status; fetch it once after this. */
  priceAfterMs: 10 * MINUTE,
  /**
   * A text `pending` this long after its last change, or `scheduled` this long past the end of its
   * hold, has lost its send run (a live run moves it within seconds): it is started again.
   */
  strandedAfterMs: 3 * MINUTE,
  /** Restarts per text before it fails with its reason instead. */
  maxRestarts: 3,
  /** Twilio calls in flight at once per page. */
  concurrency: 4,
} as const;

/** Runs `fn` over `items`, at most `limit` at a time, keeping the input order in the result. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

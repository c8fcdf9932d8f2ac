/**
 * The one paging loop of every sweep (the request crons', reconciliation's, stranded texts'):
 * `page(after)` runs one memoized step and says where the next page starts (null when done).
 * Each page's outcome goes to `each` (its own steps, if any, are memoized too). Only cursors and
 * counts cross steps, so a run's state stays small.
 */
export async function sweepInSteps<C, P extends { next: C | null }>(
  page: (after: C | null) => Promise<P>,
  each: (page: P) => Promise<void> | void = () => {},
): Promise<void> {
  let after: C | null = null;
  do {
    const current: P = await page(after);
    await each(current);
    after = current.next;
  } while (after !== null);
}

export type Counts = Record<string, number>;

export function addCounts(totals: Counts, counts: Counts) {
  for (const [key, value] of Object.entries(counts)) totals[key] = (totals[key] ?? 0) + value;
}

/**
 * The end of a keyset-paged list: the query asked for `limit + 1` rows (`fetchLimit`), so one row
 * past the page says there is a next page, whose cursor is the page's last item. One home for this
 * rule: the user's history and tasks, the admin message log and users list all end this way.
 */
export const fetchLimit = (limit: number) => limit + 1;

export function keysetPage<Row, Item, Cursor>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (item: Item) => Cursor,
): { items: Item[]; nextCursor: Cursor | null } {
  const items = rows.slice(0, limit).map(toItem);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

/** The cursor of lists ordered by creation time, then id. */
export const createdAtCursor = (item: { createdAt: Date; id: string }) => ({ createdAt: item.createdAt, id: item.id });

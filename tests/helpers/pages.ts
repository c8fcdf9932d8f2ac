/**
 * Every page of a keyset-paginated list, first to last: `list` is called with `input` and each
 * page's `nextCursor`, as the UI's infinite query does. Fails instead of looping when the cursor
 * never ends.
 */
export async function everyPage<Input, Item, Cursor>(
  list: (input: Input) => Promise<{ items: Item[]; nextCursor: Cursor | null }>,
  input: Omit<Exclude<Input, void | undefined>, "cursor">,
  maxPages = 100,
): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor: Cursor | undefined;
  do {
    if (pages.length === maxPages) throw new Error(`the cursor did not end within ${maxPages} pages`);
    const page = await list({ ...input, cursor } as Input);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

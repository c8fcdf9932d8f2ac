"use client";

import {
  QueryErrorResetBoundary,
  useSuspenseInfiniteQuery,
  useSuspenseQuery,
  type InfiniteData,
  type QueryKey,
  type UseInfiniteQueryResult,
  type UseSuspenseInfiniteQueryOptions,
  type UseSuspenseQueryOptions,
} from "@tanstack/react-query";
import { Component, Suspense, type ReactNode } from "react";
import { Button } from "./button";
import { Alert, Empty, Loading } from "./states";

type ErrorBoundaryProps = { what: string; onRetry: () => void; children: ReactNode };

/** Shows a failed read with a "Try again" that clears the failure and renders (so reads) again. */
class LoadErrorBoundary extends Component<ErrorBoundaryProps, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  retry = () => {
    this.props.onRetry();
    this.setState({ error: null });
  };

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Alert>
        <p>
          Could not load {this.props.what}: {this.state.error.message}
        </p>
        <Button variant="secondary" className="mt-3" onClick={this.retry}>
          Try again
        </Button>
      </Alert>
    );
  }
}

/** The one wording of a list's loading state: "Loading <what>…". */
const loadingLabel = (what: string) => `Loading ${what}…`;

/**
 * The loading and error states of everything below it that reads with `useSuspenseQuery`.
 * Pages prefetch on the server, so these show only when that data is missing in the browser.
 */
function QueryBoundary({ what, children }: { what: string; children: ReactNode }) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <LoadErrorBoundary what={what} onRetry={reset}>
          <Suspense fallback={<Loading label={loadingLabel(what)} />}>{children}</Suspense>
        </LoadErrorBoundary>
      )}
    </QueryErrorResetBoundary>
  );
}

/** How every list of `QueryList` and `InfiniteQueryList` shows its items: one labelled `<ul>`. */
type ItemsShape<TItem> = {
  /** Names the list for screen readers (its `aria-label`). */
  label: string;
  /** One item: an `<li>` with its key. */
  item: (item: TItem) => ReactNode;
};

function ItemList<TItem>({ items, label, item }: ItemsShape<TItem> & { items: TItem[] }) {
  return (
    <ul className="divide-y divide-slate-100" aria-label={label}>
      {items.map((one) => item(one))}
    </ul>
  );
}

type QueryListProps<TQueryFnData, TError, TItem, TQueryKey extends QueryKey> = ItemsShape<TItem> & {
  query: UseSuspenseQueryOptions<TQueryFnData, TError, TItem[], TQueryKey>;
  /** Names the list in the loading and error states: "Loading <what>…", "Could not load <what>: …". */
  what: string;
  /** Shown when the list has no items. */
  empty: ReactNode;
};

/** A list with its loading, error (with "Try again") and empty states; `item` renders each item. */
export function QueryList<TQueryFnData, TError, TItem, TQueryKey extends QueryKey>({
  what,
  ...list
}: QueryListProps<TQueryFnData, TError, TItem, TQueryKey>) {
  return (
    <QueryBoundary what={what}>
      <ListItems {...list} />
    </QueryBoundary>
  );
}

function ListItems<TQueryFnData, TError, TItem, TQueryKey extends QueryKey>({
  query,
  empty,
  ...shape
}: Omit<QueryListProps<TQueryFnData, TError, TItem, TQueryKey>, "what">) {
  const { data } = useSuspenseQuery(query);
  return data.length === 0 ? <Empty>{empty}</Empty> : <ItemList items={data} {...shape} />;
}

/** A page of a paged read: its items (every paged procedure answers `{ items, nextCursor }`). */
type Page<TItem> = { items: TItem[] };

type InfiniteQueryListProps<TPage extends Page<unknown>, TError, TQueryKey extends QueryKey, TPageParam> = ItemsShape<
  TPage["items"][number]
> & {
  query: UseSuspenseInfiniteQueryOptions<TPage, TError, InfiniteData<TPage, TPageParam>, TQueryKey, TPageParam>;
  what: string;
  empty: ReactNode;
};

/**
 * `QueryList` for a list read page by page: the same loading, error and empty states, the
 * loaded pages' items in order, and a "Load more" button while there is a next page (a page
 * that fails to load says so under the list; the loaded items stay).
 */
export function InfiniteQueryList<TPage extends Page<unknown>, TError, TQueryKey extends QueryKey, TPageParam>(
  props: InfiniteQueryListProps<TPage, TError, TQueryKey, TPageParam>,
) {
  return (
    <QueryBoundary what={props.what}>
      <PagedItems {...props} />
    </QueryBoundary>
  );
}

function PagedItems<TPage extends Page<unknown>, TError, TQueryKey extends QueryKey, TPageParam>({
  query,
  what,
  empty,
  ...shape
}: InfiniteQueryListProps<TPage, TError, TQueryKey, TPageParam>) {
  const pages = useSuspenseInfiniteQuery(query);
  const items: TPage["items"] = pages.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      <ItemList items={items} {...shape} />
      <LoadMore pages={pages} what={what} />
    </>
  );
}

/** What a paged read offers below its loaded items (both the suspense and the plain hook give it). */
type NextPages = Pick<UseInfiniteQueryResult<unknown, unknown>, "hasNextPage" | "isFetchingNextPage" | "fetchNextPage" | "isFetchNextPageError" | "error">;

/** "Load more" while there is a next page, and a failed next page said under the loaded items (which stay). */
function LoadMore({ pages, what }: { pages: NextPages; what: string }) {
  return (
    <>
      {pages.hasNextPage ? (
        <div className="pt-3 text-center">
          <Button variant="secondary" pending={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
      {pages.isFetchNextPageError ? (
        <Alert>
          Could not load more {what}: {pages.error instanceof Error ? pages.error.message : "please try again."}
        </Alert>
      ) : null}
    </>
  );
}

/**
 * The same states for a paged list read with the plain `useInfiniteQuery`, for lists whose input
 * is a form (filters, a search): changing it keeps the form on screen, and an input the server
 * refuses is shown on its field by the form (`inputRefused`), not as a failed list. `children`
 * renders the items (the admin lists are tables).
 */
export function PagedResultList<TPage extends Page<unknown>, TError extends { message: string }>({
  result,
  what,
  empty,
  inputRefused = false,
  children,
}: {
  result: UseInfiniteQueryResult<InfiniteData<TPage, unknown>, TError>;
  what: string;
  empty: ReactNode;
  inputRefused?: boolean;
  children: (items: TPage["items"]) => ReactNode;
}) {
  if (result.isPending) return <Loading label={loadingLabel(what)} />;
  if (result.isError && !result.isFetchNextPageError && !inputRefused) {
    return (
      <Alert>
        Could not load {what}: {result.error.message}
      </Alert>
    );
  }
  const items: TPage["items"] = result.data?.pages.flatMap((page) => page.items) ?? [];
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      {children(items)}
      <LoadMore pages={result} what={what} />
    </>
  );
}

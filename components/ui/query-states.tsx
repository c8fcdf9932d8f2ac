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

/**
 * The loading and error states of everything below it that reads with `useSuspenseQuery`.
 * Pages prefetch on the server, so these show only when that data is missing in the browser.
 */
function QueryBoundary({ what, loadingLabel, children }: { what: string; loadingLabel?: string; children: ReactNode }) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <LoadErrorBoundary what={what} onRetry={reset}>
          <Suspense fallback={<Loading label={loadingLabel} />}>{children}</Suspense>
        </LoadErrorBoundary>
      )}
    </QueryErrorResetBoundary>
  );
}

type QueryListProps<TQueryFnData, TError, TItem, TQueryKey extends QueryKey> = {
  query: UseSuspenseQueryOptions<TQueryFnData, TError, TItem[], TQueryKey>;
  /** Names the list in the error state: "Could not load <what>: …". */
  what: string;
  loadingLabel?: string;
  /** Shown when the list has no items. */
  empty: ReactNode;
  children: (items: TItem[]) => ReactNode;
};

/** A list with its loading, error (with "Try again") and empty states; `children` renders the items. */
export function QueryList<TQueryFnData, TError, TItem, TQueryKey extends QueryKey>({
  what,
  loadingLabel,
  ...list
}: QueryListProps<TQueryFnData, TError, TItem, TQueryKey>) {
  return (
    <QueryBoundary what={what} loadingLabel={loadingLabel}>
      <ListItems {...list} />
    </QueryBoundary>
  );
}

function ListItems<TQueryFnData, TError, TItem, TQueryKey extends QueryKey>({
  query,
  empty,
  children,
}: Pick<QueryListProps<TQueryFnData, TError, TItem, TQueryKey>, "query" | "empty" | "children">) {
  const { data } = useSuspenseQuery(query);
  return data.length === 0 ? <Empty>{empty}</Empty> : children(data);
}

type InfiniteQueryListProps<TPage, TError, TQueryKey extends QueryKey, TPageParam, TItem> = {
  query: UseSuspenseInfiniteQueryOptions<TPage, TError, InfiniteData<TPage, TPageParam>, TQueryKey, TPageParam>;
  /** The items of one page. */
  pageItems: (page: TPage) => TItem[];
  what: string;
  loadingLabel?: string;
  empty: ReactNode;
  children: (items: TItem[]) => ReactNode;
};

/**
 * `QueryList` for a list read page by page: the same loading, error and empty states, the
 * loaded pages' items in order, and a "Load more" button while there is a next page (a page
 * that fails to load says so under the list; the loaded items stay).
 */
export function InfiniteQueryList<TPage, TError, TQueryKey extends QueryKey, TPageParam, TItem>({
  what,
  loadingLabel,
  ...list
}: InfiniteQueryListProps<TPage, TError, TQueryKey, TPageParam, TItem>) {
  return (
    <QueryBoundary what={what} loadingLabel={loadingLabel}>
      <PagedItems what={what} {...list} />
    </QueryBoundary>
  );
}

function PagedItems<TPage, TError, TQueryKey extends QueryKey, TPageParam, TItem>({
  query,
  pageItems,
  what,
  empty,
  children,
}: Omit<InfiniteQueryListProps<TPage, TError, TQueryKey, TPageParam, TItem>, "loadingLabel">) {
  const pages = useSuspenseInfiniteQuery(query);
  const items = pages.data.pages.flatMap(pageItems);
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      {children(items)}
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
 * refuses is shown on its field by the form (`inputRefused`), not as a failed list.
 */
export function PagedResultList<TPage, TError extends { message: string }, TItem>({
  result,
  pageItems,
  what,
  loadingLabel,
  empty,
  inputRefused = false,
  children,
}: {
  result: UseInfiniteQueryResult<InfiniteData<TPage, unknown>, TError>;
  pageItems: (page: TPage) => TItem[];
  what: string;
  loadingLabel?: string;
  empty: ReactNode;
  inputRefused?: boolean;
  children: (items: TItem[]) => ReactNode;
}) {
  if (result.isPending) return <Loading label={loadingLabel} />;
  if (result.isError && !result.isFetchNextPageError && !inputRefused) {
    return (
      <Alert>
        Could not load {what}: {result.error.message}
      </Alert>
    );
  }
  const items = result.data?.pages.flatMap(pageItems) ?? [];
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <>
      {children(items)}
      <LoadMore pages={result} what={what} />
    </>
  );
}

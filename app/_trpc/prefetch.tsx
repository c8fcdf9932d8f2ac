import "server-only";
import {
  dehydrate,
  HydrationBoundary,
  type FetchInfiniteQueryOptions,
  type FetchQueryOptions,
  type QueryKey,
} from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache } from "react";
import { createContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/root";
import { makeQueryClient } from "@/components/trpc/query-client";

/** One query client per server request. */
export const getQueryClient = cache(makeQueryClient);

const createServerContext = cache(async () => createContext({ headers: new Headers(await headers()) }));

export const trpc = createTRPCOptionsProxy({ ctx: createServerContext, router: appRouter, queryClient: getQueryClient });

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/**
 * Runs a query on the server before the page renders, so the HTML and the hydrated client
 * both render the data (a query still pending at render time would render a spinner on the
 * server and the data in the browser: a hydration mismatch).
 */
export async function prefetch<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: FetchQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
) {
  await getQueryClient().prefetchQuery(options);
}

/** `prefetch` for a paginated ("Load more") query: its first page. */
export async function prefetchInfinite<TQueryFnData, TError, TData, TQueryKey extends QueryKey, TPageParam>(
  options: FetchInfiniteQueryOptions<TQueryFnData, TError, TData, TQueryKey, TPageParam>,
) {
  await getQueryClient().prefetchInfiniteQuery(options);
}

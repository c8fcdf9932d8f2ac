import "server-only";
import { dehydrate, HydrationBoundary, type FetchQueryOptions, type QueryKey } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache } from "react";
import { ensureStarted } from "@/server/bootstrap/start";
import { createContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/root";
import { makeQueryClient } from "./query-client";

/** One query client per server request. */
export const getQueryClient = cache(makeQueryClient);

const createServerContext = cache(async () => {
  await ensureStarted();
  return createContext({ headers: new Headers(await headers()) });
});

export const trpc = createTRPCOptionsProxy({ ctx: createServerContext, router: appRouter, queryClient: getQueryClient });

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

/** Starts a query on the server so the client renders with data instead of a spinner. */
export function prefetch<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: FetchQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
) {
  void getQueryClient().prefetchQuery(options);
}

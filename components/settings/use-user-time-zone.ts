"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc/client";

/** The zone the user chose in their preferences (times on the settings page are shown in it). */
export function useUserTimeZone(): string | undefined {
  const trpc = useTRPC();
  return useQuery(trpc.preferences.get.queryOptions()).data?.timeZone;
}

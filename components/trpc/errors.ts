import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/trpc/root";

/** Field messages from a failed mutation (zod or domain errors), keyed by input field. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = (error as TRPCClientError<AppRouter>).data;
  const entries = Object.entries(data?.fieldErrors ?? {}).flatMap(([field, messages]: [string, unknown]) =>
    Array.isArray(messages) && typeof messages[0] === "string" ? [[field, messages[0]] as const] : [],
  );
  return Object.fromEntries(entries);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong. Please try again.";
}


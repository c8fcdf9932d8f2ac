import type { Db } from "@/db/client";
import type { Logger } from "../../logger";
import type { ServiceContext, SystemActor } from "../../service-context";
import type { SmsProvider } from "../provider";

/**
 * What reconciliation needs: the service context (with the database itself, not a transaction:
 * statuses go through the status-callback writer) and the provider to ask Twilio.
 */
export interface ReconcileDeps extends ServiceContext<SystemActor> {
  db: Db;
  provider: Pick<SmsProvider, "fetch" | "listByRecipient">;
  log: Pick<Logger, "warn">;
}

/** A page of a sweep: where to go on from (null = done) and what happened. */
export interface SweepPage<C, S extends string> {
  next: C | null;
  counts: Record<S, number>;
}

/** Keyset position: the sort time as PostgreSQL prints it (full precision) and the row id. */
export interface TimeCursor {
  at: string;
  id: string;
}

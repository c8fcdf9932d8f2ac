import type { DbOrTx } from "@/db/client";
import type { JobSender } from "./jobs/define";

/** Who is asking a service to act; services decide what each actor may do. */
export type Actor =
  | { type: "user"; userId: string }
  | { type: "admin"; userId: string }
  | { type: "system"; reason: string }
  | { type: "webhook"; source: "twilio" };

export type UserActor = Extract<Actor, { type: "user" }>;
export type AdminActor = Extract<Actor, { type: "admin" }>;
export type SystemActor = Extract<Actor, { type: "system" }>;
export type WebhookActor = Extract<Actor, { type: "webhook" }>;

/**
 * The one argument every service takes: the database (or a transaction), who is acting, and
 * where durable jobs go. tRPC procedures build it once per request (`ctx.service`), Inngest
 * functions with a `system` actor, the Twilio webhooks with a `webhook` actor.
 */
export interface ServiceContext<A extends Actor = Actor> {
  db: DbOrTx;
  actor: A;
  jobs: JobSender;
}

/** The context durable functions and other system work act with. */
export function systemContext(db: DbOrTx, jobs: JobSender, reason: string): ServiceContext<SystemActor> {
  return { db, jobs, actor: { type: "system", reason } };
}

/** Every Twilio webhook acts as the same actor: shared, so a request allocates only its context. */
const twilioWebhook: WebhookActor = Object.freeze({ type: "webhook", source: "twilio" });

/**
 * The context a Twilio webhook acts with, built once per request. It keeps the handle's own type:
 * given the database itself (not a transaction), status callbacks can join the group-commit writer.
 */
export function webhookContext<D extends DbOrTx>(db: D, jobs: JobSender): ServiceContext<WebhookActor> & { db: D } {
  return { db, jobs, actor: twilioWebhook };
}

import type { DbOrTx } from "@/db/client";
import { adminAuditLog, type adminAction } from "@/db/schema";
import type { AdminActor } from "../service-context";

export type AdminActionName = (typeof adminAction.enumValues)[number];

/** Records an admin action; call it inside the transaction that makes the change, so neither happens alone. */
export async function recordAdminAction(
  db: DbOrTx,
  actor: AdminActor,
  entry: { action: AdminActionName; targetType: "template" | "message"; targetId: string; details?: Record<string, unknown> },
) {
  await db.insert(adminAuditLog).values({ actorUserId: actor.userId, ...entry, details: entry.details ?? {} });
}

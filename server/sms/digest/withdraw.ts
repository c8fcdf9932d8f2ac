import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw-rows";
import { segmentInfo } from "../../templates/render";
import { CANCELLABLE_STATUSES } from "../cancel-statuses";
import { endUnsent, type EndUnsent } from "../end-unsent";
import { composeDigest } from "./compose";
import { digestItemOf, ITEM_COLUMNS, ITEM_JOINS, itemRowSchema } from "./items";

const lockedSchema = z.object({ digest_id: z.string(), digest_status: z.string() });

export interface Withdrawn {
  /** The merged text was taken out of its digest. */
  changed: boolean;
  /** The digest, when taking this text out left it empty and it was cancelled too. */
  cancelledDigestId: string | null;
}

/**
 * Cancels a text that waits inside a digest which has not left yet (pending, scheduled or
 * queued), and takes it out of the digest: the digest's text is written again without it, goes
 * as the one text left when a single item remains ("one text alone goes as itself"), and is
 * cancelled (giving back its cap slot) when none remain. Once the digest was claimed for sending
 * nothing changes: the text went with it.
 *
 * `end` is the cancel as the caller would write it on any text (its reason, source, owner check);
 * the digest row and the merged text are locked in that order, as dispatch's claim locks the digest.
 */
export async function withdrawFromDigest(db: DbOrTx, end: Omit<EndUnsent, "from" | "to">): Promise<Withdrawn> {
  return db.transaction(async (tx) => {
    const [locked] = await queryRows(
      tx,
      sql`
      select d.id as digest_id, d.status as digest_status
      from sms_messages m join sms_messages d on d.id = m.merged_into_id
      where m.id = ${end.messageId}::uuid and m.status = 'merged' ${end.where ? sql`and ${end.where}` : sql``}
      for update of d, m`,
      lockedSchema,
    );
    if (!locked || !(CANCELLABLE_STATUSES as readonly string[]).includes(locked.digest_status)) {
      return { changed: false, cancelledDigestId: null };
    }
    const ended = await endUnsent(tx, { ...end, from: ["merged"], to: "cancelled" });
    if (!ended.changed) return { changed: false, cancelledDigestId: null };

    const remaining = await queryRows(
      tx,
      sql`
      select ${ITEM_COLUMNS} from sms_messages m
      left join user_sms_preferences p on p.user_id = m.user_id ${ITEM_JOINS}
      where m.merged_into_id = ${locked.digest_id}::uuid and m.status = 'merged'
      order by m.reply_ref nulls first, m.created_at, m.id`,
      itemRowSchema,
    );
    if (remaining.length === 0) {
      await endUnsent(tx, {
        messageId: locked.digest_id,
        from: CANCELLABLE_STATUSES,
        to: "cancelled",
        set: [sql`held_until = null`, sql`hold_reason = null`],
        event: { status: "cancelled", source: end.event.source, payload: { reason: "every text in it was cancelled" } },
        at: end.at,
      });
      return { changed: true, cancelledDigestId: locked.digest_id };
    }
    const body =
      remaining.length === 1
        ? remaining[0]!.body
        : composeDigest(
            remaining.map((item) => digestItemOf(item, end.at)),
            { actOnReplies: remaining[0]!.act_on_replies ?? true },
          ).body;
    const info = segmentInfo(body);
    await tx.execute(rewriteDigest(locked.digest_id, body, remaining.length, info, end.at));
    return { changed: true, cancelledDigestId: null };
  });
}

function rewriteDigest(digestId: string, body: string, size: number, info: { segments: number; encoding: string }, at: Date): SQL {
  return sql`
    with rewritten as (
      update sms_messages set body = ${body}, digest_size = ${size}::int, segments = ${info.segments}::int,
        encoding = ${info.encoding}, updated_at = ${at.toISOString()}::timestamptz
      where id = ${digestId}::uuid
      returning id
    )
    insert into sms_message_events (message_id, status, source, applied, payload, created_at)
    select id, 'rewritten', 'system', false, jsonb_build_object('digestOf', ${size}::int), ${at.toISOString()}::timestamptz from rewritten`;
}

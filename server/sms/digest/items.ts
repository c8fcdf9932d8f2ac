import { sql } from "drizzle-orm";
import { z } from "zod";
import { column } from "@/db/raw-rows";
import { duePhrase, taskTitleForSms } from "../../tasks/display";
import { lineFromBody, type DigestItem } from "./compose";

/**
 * What listing a text in a digest reads, over the message row `m` and the user's preferences `p`
 * (joined by the caller): its body, reference, task as it is now, and the reader's zone.
 */
export const ITEM_COLUMNS = sql`m.id, m.body, m.reply_ref, k.title as task_title, k.due_at as task_due_at,
  p.time_zone, p.act_on_replies`;
export const ITEM_JOINS = sql.raw(`left join tasks k on k.id = m.task_id`);

export const itemRowSchema = z.object({
  id: z.string(),
  body: z.string(),
  reply_ref: z.number().nullable(),
  task_title: z.string().nullable(),
  task_due_at: column.timestamp.nullable(),
  time_zone: z.string().nullable(),
  act_on_replies: z.boolean().nullable(),
});
type ItemRow = z.infer<typeof itemRowSchema>;

/** A held text as one digest line: a task reminder by its task and due time as the reader's clock shows it now. */
export function digestItemOf(text: ItemRow, now: Date): DigestItem {
  if (text.task_title !== null && text.task_due_at !== null) {
    return { ref: text.reply_ref ?? 1, line: `${taskTitleForSms(text.task_title)} ${duePhrase(text.task_due_at, text.time_zone ?? "UTC", now)}` };
  }
  return { ref: null, line: lineFromBody(text.body) };
}

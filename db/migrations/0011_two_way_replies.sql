CREATE TYPE "public"."inbound_outcome" AS ENUM('completed', 'snoozed', 'asked_which', 'already_done', 'task_deleted', 'past_due', 'no_reminder', 'replies_off', 'not_understood');--> statement-breakpoint
CREATE TYPE "public"."task_completed_via" AS ENUM('app', 'text');--> statement-breakpoint
ALTER TYPE "public"."sms_skip_reason" ADD VALUE 'task_done';--> statement-breakpoint
ALTER TYPE "public"."sms_skip_reason" ADD VALUE 'task_moved';--> statement-breakpoint
ALTER TYPE "public"."sms_skip_reason" ADD VALUE 'task_deleted';--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "task_id" uuid;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "task_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "reply_ref" integer;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "act_on_replies" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "snooze_minutes" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_inbound_messages" ADD COLUMN "matched_rule" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_inbound_messages" ADD COLUMN "outcome" "inbound_outcome";--> statement-breakpoint
ALTER TABLE "sms_inbound_messages" ADD COLUMN "task_id" uuid;--> statement-breakpoint
ALTER TABLE "sms_inbound_messages" ADD COLUMN "answered_message_id" uuid;--> statement-breakpoint
ALTER TABLE "sms_inbound_messages" ADD COLUMN "created_message_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "completed_via" "task_completed_via";--> statement-breakpoint
ALTER TABLE "sms_inbound_messages" ADD CONSTRAINT "sms_inbound_messages_answered_message_id_sms_messages_id_fk" FOREIGN KEY ("answered_message_id") REFERENCES "public"."sms_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_inbound_messages" ADD CONSTRAINT "sms_inbound_messages_created_message_id_sms_messages_id_fk" FOREIGN KEY ("created_message_id") REFERENCES "public"."sms_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sms_messages_task_idx" ON "sms_messages" USING btree ("task_id") WHERE "sms_messages"."task_id" is not null;--> statement-breakpoint
CREATE INDEX "sms_inbound_user_idx" ON "sms_inbound_messages" USING btree ("user_id","received_at");--> statement-breakpoint
CREATE INDEX "sms_inbound_answered_idx" ON "sms_inbound_messages" USING btree ("answered_message_id");--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD CONSTRAINT "user_sms_preferences_snooze_minutes" CHECK ("user_sms_preferences"."snooze_minutes" between 5 and 1440);--> statement-breakpoint
-- Tasks completed before this release were completed in the app.
UPDATE "tasks" SET "completed_via" = 'app' WHERE "completed_at" IS NOT NULL;--> statement-breakpoint
-- Reminders still waiting to leave learn their task from their dedupe key ("task_reminder:<task id>:<due time>"),
-- so the stale check at sending also covers them.
UPDATE "sms_messages" SET
  "task_id" = substring("dedupe_key" from '^task_reminder:([0-9a-f-]{36}):')::uuid,
  "task_due_at" = substring("dedupe_key" from '^task_reminder:[0-9a-f-]{36}:(.+)$')::timestamptz
WHERE "status" IN ('pending', 'scheduled', 'queued')
  AND "dedupe_key" ~ '^task_reminder:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$';
--> statement-breakpoint
-- An install still on the original task reminder gets the version that says how to reply
-- (an admin's own edit is left alone).
WITH current AS (
  SELECT t.id, t.current_version FROM "sms_templates" t
  JOIN "sms_template_versions" v ON v.template_id = t.id AND v.version = t.current_version
  WHERE t.key = 'task_reminder' AND v.body = 'BuildOS: {{task_name}} is due {{due_time}}. {{task_context}}'
), added AS (
  INSERT INTO "sms_template_versions" (template_id, version, body, variables)
  SELECT id, current_version + 1, 'BuildOS: {{task_name}} is due {{due_time}}. {{task_context}} {{reply_hint}}',
    '["task_name","due_time","task_context","reply_hint"]'::jsonb
  FROM current
  RETURNING template_id, version
)
UPDATE "sms_templates" t SET current_version = a.version, updated_at = now() FROM added a WHERE t.id = a.template_id;

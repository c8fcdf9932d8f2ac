DROP INDEX "sms_messages_unknown_idx";--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "reconciled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "price_fetched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "reminder_lead_minutes" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
CREATE INDEX "sms_messages_in_flight_idx" ON "sms_messages" USING btree (greatest("updated_at", "reconciled_at"),"id") WHERE "sms_messages"."status" in ('sending', 'sent');--> statement-breakpoint
CREATE INDEX "sms_messages_unpriced_idx" ON "sms_messages" USING btree ("updated_at","id") WHERE "sms_messages"."status" in ('delivered', 'undelivered') and "sms_messages"."price" is null and "sms_messages"."price_fetched_at" is null;--> statement-breakpoint
CREATE INDEX "user_sms_preferences_brief_idx" ON "user_sms_preferences" USING btree ("time_zone","daily_brief_time","user_id") WHERE "user_sms_preferences"."daily_brief";--> statement-breakpoint
CREATE INDEX "tasks_open_due_idx" ON "tasks" USING btree ("due_at","id") WHERE "tasks"."completed_at" is null and "tasks"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "sms_messages_unknown_idx" ON "sms_messages" USING btree ("created_at","id") WHERE "sms_messages"."status" = 'unknown';--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD CONSTRAINT "user_sms_preferences_reminder_lead" CHECK ("user_sms_preferences"."reminder_lead_minutes" between 5 and 1440);
CREATE TYPE "public"."sms_hold_reason" AS ENUM('scheduled', 'quiet_hours');--> statement-breakpoint
ALTER TYPE "public"."sms_event_source" ADD VALUE 'admin';--> statement-breakpoint
ALTER TYPE "public"."sms_skip_reason" ADD VALUE 'expired';--> statement-breakpoint
ALTER TABLE "sms_message_events" DROP CONSTRAINT "sms_message_events_message_status";--> statement-breakpoint
ALTER TABLE "sms_messages" ALTER COLUMN "to" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "held_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "hold_reason" "sms_hold_reason";--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "valid_until" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "sms_message_events_callback_unique" ON "sms_message_events" USING btree ("message_id","status") WHERE "sms_message_events"."source" = 'callback';--> statement-breakpoint
CREATE INDEX "sms_message_events_message_idx" ON "sms_message_events" USING btree ("message_id","id");
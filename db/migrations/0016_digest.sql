ALTER TYPE "public"."inbound_outcome" ADD VALUE 'snooze_refused';--> statement-breakpoint
ALTER TYPE "public"."sms_status" ADD VALUE 'merged';--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "merged_into_id" uuid;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "digest_size" integer;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "digest_after_quiet_hours" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_merged_into_id_sms_messages_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."sms_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sms_messages_merged_into_idx" ON "sms_messages" USING btree ("merged_into_id") WHERE "sms_messages"."merged_into_id" is not null;--> statement-breakpoint
CREATE INDEX "sms_messages_quiet_held_idx" ON "sms_messages" USING btree ("user_id","held_until") WHERE "sms_messages"."status" = 'scheduled' and "sms_messages"."hold_reason" = 'quiet_hours';
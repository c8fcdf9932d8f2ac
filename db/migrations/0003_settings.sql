CREATE TYPE "public"."opt_in_source" AS ENUM('keyword', 'settings');--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "verification_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "code_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "time_zone_set_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "opted_in_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD COLUMN "opt_in_source" "opt_in_source";--> statement-breakpoint
ALTER TABLE "user_sms_preferences" DROP COLUMN "pending_phone";--> statement-breakpoint
ALTER TABLE "user_sms_preferences" DROP COLUMN "pending_phone_sent_at";
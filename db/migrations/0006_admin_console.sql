CREATE TYPE "public"."admin_action" AS ENUM('template.create', 'template.save', 'template.activate', 'template.deactivate', 'message.cancel', 'message.retry', 'message.test_send');--> statement-breakpoint
CREATE TABLE "admin_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_user_id" text,
	"action" "admin_action" NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_latency_daily" (
	"day" date NOT NULL,
	"bucket" smallint NOT NULL,
	"messages" integer NOT NULL,
	CONSTRAINT "sms_latency_daily_day_bucket_pk" PRIMARY KEY("day","bucket")
);
--> statement-breakpoint
CREATE TABLE "sms_opt_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"source" "opt_out_source" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sms_stats_daily" (
	"day" date NOT NULL,
	"template_id" uuid,
	"category" "sms_category" NOT NULL,
	"status" "sms_status" NOT NULL,
	"skip_reason" "sms_skip_reason",
	"error_code" integer,
	"price_unit" text,
	"messages" integer NOT NULL,
	"sent" integer NOT NULL,
	"segments" integer NOT NULL,
	"priced_messages" integer NOT NULL,
	"priced_segments" integer NOT NULL,
	"cost" numeric(14, 5) NOT NULL
);
--> statement-breakpoint
DROP INDEX "sms_messages_user_created_idx";--> statement-breakpoint
DROP INDEX "sms_messages_created_idx";--> statement-breakpoint
DROP INDEX "sms_messages_status_created_idx";--> statement-breakpoint
DROP INDEX "sms_messages_template_created_idx";--> statement-breakpoint
ALTER TABLE "sms_messages" ADD COLUMN "retry_of_id" uuid;--> statement-breakpoint
ALTER TABLE "admin_audit_log" ADD CONSTRAINT "admin_audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_opt_changes" ADD CONSTRAINT "sms_opt_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_audit_log_target_idx" ON "admin_audit_log" USING btree ("target_type","target_id","created_at");--> statement-breakpoint
CREATE INDEX "sms_opt_changes_created_idx" ON "sms_opt_changes" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "sms_stats_daily_day_idx" ON "sms_stats_daily" USING btree ("day");--> statement-breakpoint
ALTER TABLE "sms_messages" ADD CONSTRAINT "sms_messages_retry_of_id_sms_messages_id_fk" FOREIGN KEY ("retry_of_id") REFERENCES "public"."sms_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sms_messages_to_created_idx" ON "sms_messages" USING btree ("to","created_at","id");--> statement-breakpoint
CREATE INDEX "sms_messages_category_created_idx" ON "sms_messages" USING btree ("category","created_at","id");--> statement-breakpoint
CREATE INDEX "sms_messages_retry_of_idx" ON "sms_messages" USING btree ("retry_of_id") WHERE "sms_messages"."retry_of_id" is not null;--> statement-breakpoint
CREATE INDEX "sms_messages_user_created_idx" ON "sms_messages" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "sms_messages_created_idx" ON "sms_messages" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "sms_messages_status_created_idx" ON "sms_messages" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "sms_messages_template_created_idx" ON "sms_messages" USING btree ("template_id","created_at","id");
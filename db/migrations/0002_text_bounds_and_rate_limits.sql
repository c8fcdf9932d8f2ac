-- Rows written before these bounds existed are shortened to fit (a 50 MB name is not a name).
UPDATE "users" SET "name" = left("name", 100) WHERE char_length("name") > 100;--> statement-breakpoint
UPDATE "tasks" SET "title" = left("title", 200) WHERE char_length("title") > 200;--> statement-breakpoint
UPDATE "tasks" SET "project" = left("project", 100) WHERE char_length("project") > 100;--> statement-breakpoint
-- Rate-limit counters are disposable: one row per key from now on.
DELETE FROM "rate_limit_buckets";--> statement-breakpoint
ALTER TABLE "rate_limit_buckets" DROP CONSTRAINT "rate_limit_buckets_key_window_start_pk";--> statement-breakpoint
ALTER TABLE "rate_limit_buckets" ADD PRIMARY KEY ("key");--> statement-breakpoint
CREATE INDEX "rate_limit_buckets_window_idx" ON "rate_limit_buckets" USING btree ("window_start");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_name_length" CHECK (char_length("users"."name") <= 100);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_email_length" CHECK (char_length("users"."email") <= 254) NOT VALID;--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD CONSTRAINT "user_sms_preferences_time_zone_length" CHECK (char_length("user_sms_preferences"."time_zone") <= 64);--> statement-breakpoint
ALTER TABLE "user_sms_preferences" ADD CONSTRAINT "user_sms_preferences_local_times" CHECK ("user_sms_preferences"."quiet_hours_start" ~ '^[0-2][0-9]:[0-5][0-9]$' and "user_sms_preferences"."quiet_hours_end" ~ '^[0-2][0-9]:[0-5][0-9]$' and "user_sms_preferences"."daily_brief_time" ~ '^[0-2][0-9]:[0-5][0-9]$');--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_title_length" CHECK (char_length("tasks"."title") <= 200);--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_project_length" CHECK (char_length("tasks"."project") <= 100);
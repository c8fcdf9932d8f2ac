-- The dashboard rollup gains the UTC hour of each row (days in the admin's chosen time zone are
-- regrouped from hours), and time to delivery is now measured from when a text was due to be
-- sent. Rows stored before are per day and measured from the request: empty the rollup; the
-- refresh-dashboard-stats cron rebuilds every day from the messages on its next tick.
DELETE FROM "sms_latency_daily";--> statement-breakpoint
DELETE FROM "sms_stats_daily";--> statement-breakpoint
ALTER TABLE "sms_latency_daily" ADD COLUMN "hour" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_stats_daily" ADD COLUMN "hour" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_latency_daily" DROP CONSTRAINT "sms_latency_daily_day_bucket_pk";--> statement-breakpoint
ALTER TABLE "sms_latency_daily" ADD CONSTRAINT "sms_latency_daily_day_hour_bucket_pk" PRIMARY KEY("day","hour","bucket");

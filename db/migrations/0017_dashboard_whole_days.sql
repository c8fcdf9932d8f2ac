-- The dashboard reads whole UTC days for the days wholly inside its window (sms_stats_days,
-- sms_latency_days), the hours only for the window's first, partial, day, and a narrow table of
-- messages per hour and status for its per-day series (sms_status_hours). The stats cron makes
-- them from the hourly rollup; this migration fills them from what the hourly rollup holds now.
-- An index of the hold events makes the live day's time to delivery cheap to compute (its build
-- reads sms_message_events once; writes to that table wait for it).
CREATE TABLE "sms_latency_days" (
	"day" date NOT NULL,
	"bucket" smallint NOT NULL,
	"messages" integer NOT NULL,
	CONSTRAINT "sms_latency_days_day_bucket_pk" PRIMARY KEY("day","bucket")
);
--> statement-breakpoint
CREATE TABLE "sms_stats_days" (
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
CREATE TABLE "sms_status_hours" (
	"day" date NOT NULL,
	"hour" smallint NOT NULL,
	"status" "sms_status" NOT NULL,
	"messages" integer NOT NULL,
	CONSTRAINT "sms_status_hours_day_hour_status_pk" PRIMARY KEY("day","hour","status")
);
--> statement-breakpoint
CREATE INDEX "sms_stats_days_day_idx" ON "sms_stats_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "sms_message_events_held_idx" ON "sms_message_events" USING btree ("message_id") WHERE "sms_message_events"."status" = 'scheduled';
--> statement-breakpoint
INSERT INTO "sms_stats_days" ("day", "template_id", "category", "status", "skip_reason", "error_code", "price_unit",
  "messages", "sent", "segments", "priced_messages", "priced_segments", "cost")
SELECT "day", "template_id", "category", "status", "skip_reason", "error_code", "price_unit",
  sum("messages")::int, sum("sent")::int, sum("segments")::int, sum("priced_messages")::int, sum("priced_segments")::int, sum("cost")
FROM "sms_stats_daily"
GROUP BY "day", "template_id", "category", "status", "skip_reason", "error_code", "price_unit";--> statement-breakpoint
INSERT INTO "sms_status_hours" ("day", "hour", "status", "messages")
SELECT "day", "hour", "status", sum("messages")::int FROM "sms_stats_daily" GROUP BY "day", "hour", "status";--> statement-breakpoint
INSERT INTO "sms_latency_days" ("day", "bucket", "messages")
SELECT "day", "bucket", sum("messages")::int FROM "sms_latency_daily" GROUP BY "day", "bucket";

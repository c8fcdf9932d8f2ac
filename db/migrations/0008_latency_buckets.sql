-- The latency histogram's buckets changed (10-second steps from 2 to 10 minutes): rows stored under
-- the old numbering would be read wrongly. Empty the rollup; the refresh-dashboard-stats cron
-- rebuilds every day from the messages on its next tick (an empty rollup is a full backfill).
DELETE FROM "sms_latency_daily";--> statement-breakpoint
DELETE FROM "sms_stats_daily";

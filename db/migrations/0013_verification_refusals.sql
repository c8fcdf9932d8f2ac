CREATE TYPE "public"."verification_refusal_reason" AS ENUM('landline', 'fixed_voip', 'toll_free', 'fraud_guard', 'geo_permission', 'max_sends', 'max_checks', 'invalid_number', 'busy');--> statement-breakpoint
CREATE TABLE "verification_refusals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"reason" "verification_refusal_reason" NOT NULL,
	"twilio_code" integer
);
--> statement-breakpoint
CREATE INDEX "verification_refusals_occurred_idx" ON "verification_refusals" USING btree ("occurred_at");
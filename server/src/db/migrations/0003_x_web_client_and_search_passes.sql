CREATE TABLE "x_web_client" (
	"id" text PRIMARY KEY NOT NULL,
	"query_ids" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"features" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"bearer" text,
	"bundles" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"discovered_at" timestamp with time zone,
	"tried_at" timestamp with time zone,
	"outcome" text,
	"lease_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "x_sync_state" ADD COLUMN "mentions_pass" jsonb;--> statement-breakpoint
ALTER TABLE "x_sync_state" ADD COLUMN "replies_pass" jsonb;--> statement-breakpoint
ALTER TABLE "x_sync_state" ADD COLUMN "bios_round_started_at" timestamp with time zone;
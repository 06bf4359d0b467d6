CREATE TABLE "throttle_hits" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "throttle_hits_scope_key_window_start_index" ON "throttle_hits" USING btree ("scope","key","window_start");
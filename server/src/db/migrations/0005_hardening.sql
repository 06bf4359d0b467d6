CREATE TABLE "throttle_hits" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "keyring_checks" (
	"kid" text PRIMARY KEY NOT NULL,
	"check" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "contacts_user_id_name_index";--> statement-breakpoint
DROP INDEX "interactions_contact_id_occurred_at_index";--> statement-breakpoint
DROP INDEX "unknown_authors_user_id_x_user_id_index";--> statement-breakpoint
DROP INDEX "notifications_user_id_created_at_index";--> statement-breakpoint
CREATE UNIQUE INDEX "throttle_hits_scope_key_window_start_index" ON "throttle_hits" USING btree ("scope","key","window_start");--> statement-breakpoint
CREATE INDEX "contacts_user_lower_name_id_index" ON "contacts" USING btree ("user_id",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "interactions_contact_id_occurred_at_id_index" ON "interactions" USING btree ("contact_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "unknown_authors_user_id_occurred_at_id_index" ON "unknown_authors" USING btree ("user_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "unknown_authors_user_id_x_user_id_occurred_at_id_index" ON "unknown_authors" USING btree ("user_id","x_user_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "notifications_user_id_created_at_id_index" ON "notifications" USING btree ("user_id","created_at","id");
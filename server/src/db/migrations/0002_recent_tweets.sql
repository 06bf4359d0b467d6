CREATE TABLE "recent_tweet_cache" (
	"x_user_id" text PRIMARY KEY NOT NULL,
	"handle" text NOT NULL,
	"tweets" jsonb NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recent_tweet_fetches" (
	"contact_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"failure" text
);
--> statement-breakpoint
ALTER TABLE "recent_tweet_fetches" ADD CONSTRAINT "recent_tweet_fetches_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recent_tweet_fetches" ADD CONSTRAINT "recent_tweet_fetches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recent_tweet_cache_handle_index" ON "recent_tweet_cache" USING btree ("handle");
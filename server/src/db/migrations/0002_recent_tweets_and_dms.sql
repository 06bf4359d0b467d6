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
CREATE TABLE "x_api_budgets" (
	"user_id" uuid NOT NULL,
	"endpoint" text NOT NULL,
	"limit" integer,
	"remaining" integer,
	"reset_at" timestamp with time zone,
	"reset_guessed" boolean DEFAULT false NOT NULL,
	CONSTRAINT "x_api_budgets_user_id_endpoint_pk" PRIMARY KEY("user_id","endpoint")
);
--> statement-breakpoint
CREATE TABLE "x_dm_connections" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"x_user_id" text NOT NULL,
	"handle" text NOT NULL,
	"tokens_jwe" text NOT NULL,
	"scopes" text NOT NULL,
	"connected_at" timestamp with time zone NOT NULL,
	"access_expires_at" timestamp with time zone NOT NULL,
	"refresh_issued_at" timestamp with time zone NOT NULL,
	"refresh_last_used_at" timestamp with time zone,
	"expired_at" timestamp with time zone,
	"twitter_dm_cursor" text,
	"dm_pass_token" text,
	"dm_pass_newest_id" text,
	"last_sync_at" timestamp with time zone,
	"last_sync_result" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"verifier_jwe" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "unknown_mentions" ALTER COLUMN "x_handle" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "recent_tweet_fetches" ADD CONSTRAINT "recent_tweet_fetches_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recent_tweet_fetches" ADD CONSTRAINT "recent_tweet_fetches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_api_budgets" ADD CONSTRAINT "x_api_budgets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_dm_connections" ADD CONSTRAINT "x_dm_connections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_oauth_states" ADD CONSTRAINT "x_oauth_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recent_tweet_cache_handle_index" ON "recent_tweet_cache" USING btree ("handle");--> statement-breakpoint
CREATE INDEX "x_oauth_states_expires_at_index" ON "x_oauth_states" USING btree ("expires_at");
CREATE TABLE "x_app_credentials" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"credentials_jwe" text NOT NULL,
	"x_user_id" text NOT NULL,
	"handle" text NOT NULL,
	"subscription_type" text,
	"has_bearer_token" boolean NOT NULL,
	"verified_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_app_budgets" (
	"app_key" text NOT NULL,
	"endpoint" text NOT NULL,
	"limit" integer,
	"remaining" integer,
	"reset_at" timestamp with time zone,
	"reset_guessed" boolean DEFAULT false NOT NULL,
	CONSTRAINT "x_app_budgets_app_key_endpoint_pk" PRIMARY KEY("app_key","endpoint")
);
--> statement-breakpoint
CREATE TABLE "x_post_parts" (
	"post_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"media_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"poll" jsonb,
	"outbox_key" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"x_post_id" text,
	"send_started_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"error" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "x_post_parts_post_id_position_pk" PRIMARY KEY("post_id","position")
);
--> statement-breakpoint
CREATE TABLE "x_posting_blocks" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"sentence" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_posts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"reply_to" text,
	"quote_of" text,
	"scheduled_at" timestamp with time zone,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"attention_reason" text,
	"attention_retryable" boolean,
	"waiting_until" timestamp with time zone,
	"waiting_reason" text,
	"upload_progress" integer,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"mime_type" text NOT NULL,
	"file_name" text NOT NULL,
	"bytes" integer DEFAULT 0 NOT NULL,
	"sha256" text,
	"alt_text" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"error" text,
	"x_media_id" text,
	"x_media_key" text,
	"x_expires_at" timestamp with time zone,
	"segments_sent" integer DEFAULT 0 NOT NULL,
	"finalized_at" timestamp with time zone,
	"alt_text_sent" text,
	"check_after" timestamp with time zone,
	"processing_since" timestamp with time zone,
	"lease_owner" uuid,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x_media_chunks" (
	"media_id" uuid NOT NULL,
	"index" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "x_media_chunks_media_id_index_pk" PRIMARY KEY("media_id","index")
);
--> statement-breakpoint
CREATE TABLE "x_account_metric_days" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"followers" integer NOT NULL,
	"following" integer NOT NULL,
	"posts" integer NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	CONSTRAINT "x_account_metric_days_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
CREATE TABLE "x_post_metric_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"post_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"x_post_id" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"mark" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"taken_at" timestamp with time zone,
	"source" text,
	"figures" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"retry_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "x_app_credentials" ADD CONSTRAINT "x_app_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_post_parts" ADD CONSTRAINT "x_post_parts_post_id_x_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."x_posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_posting_blocks" ADD CONSTRAINT "x_posting_blocks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_posts" ADD CONSTRAINT "x_posts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_media" ADD CONSTRAINT "x_media_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_media_chunks" ADD CONSTRAINT "x_media_chunks_media_id_x_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."x_media"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_account_metric_days" ADD CONSTRAINT "x_account_metric_days_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_post_metric_snapshots" ADD CONSTRAINT "x_post_metric_snapshots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "x_post_parts_outbox_key_index" ON "x_post_parts" USING btree ("outbox_key");--> statement-breakpoint
CREATE INDEX "x_posts_user_id_created_at_id_index" ON "x_posts" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "x_posts_status_scheduled_at_index" ON "x_posts" USING btree ("status","scheduled_at");--> statement-breakpoint
CREATE INDEX "x_media_user_id_created_at_index" ON "x_media" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "x_post_metric_snapshots_part_mark" ON "x_post_metric_snapshots" USING btree ("post_id","position","mark");--> statement-breakpoint
CREATE INDEX "x_post_metric_snapshots_due" ON "x_post_metric_snapshots" USING btree ("due_at");
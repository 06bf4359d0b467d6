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
ALTER TABLE "x_app_credentials" ADD CONSTRAINT "x_app_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_account_metric_days" ADD CONSTRAINT "x_account_metric_days_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_post_metric_snapshots" ADD CONSTRAINT "x_post_metric_snapshots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_media" ADD CONSTRAINT "x_media_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_media_chunks" ADD CONSTRAINT "x_media_chunks_media_id_x_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."x_media"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "x_post_metric_snapshots_part_mark" ON "x_post_metric_snapshots" USING btree ("post_id","position","mark");--> statement-breakpoint
CREATE INDEX "x_post_metric_snapshots_due" ON "x_post_metric_snapshots" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "x_media_user_id_created_at_index" ON "x_media" USING btree ("user_id","created_at");
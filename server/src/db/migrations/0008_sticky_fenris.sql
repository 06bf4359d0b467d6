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
ALTER TABLE "x_post_parts" ADD CONSTRAINT "x_post_parts_post_id_x_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."x_posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_posting_blocks" ADD CONSTRAINT "x_posting_blocks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_posts" ADD CONSTRAINT "x_posts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "x_post_parts_outbox_key_index" ON "x_post_parts" USING btree ("outbox_key");--> statement-breakpoint
CREATE INDEX "x_posts_user_id_created_at_id_index" ON "x_posts" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "x_posts_status_scheduled_at_index" ON "x_posts" USING btree ("status","scheduled_at");
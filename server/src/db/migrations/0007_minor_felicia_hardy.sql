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
ALTER TABLE "x_media" ADD CONSTRAINT "x_media_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_media_chunks" ADD CONSTRAINT "x_media_chunks_media_id_x_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."x_media"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "x_media_user_id_created_at_index" ON "x_media" USING btree ("user_id","created_at");
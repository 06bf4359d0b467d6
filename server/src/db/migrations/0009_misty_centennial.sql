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
ALTER TABLE "x_account_metric_days" ADD CONSTRAINT "x_account_metric_days_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "x_post_metric_snapshots" ADD CONSTRAINT "x_post_metric_snapshots_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "x_post_metric_snapshots_part_mark" ON "x_post_metric_snapshots" USING btree ("post_id","position","mark");--> statement-breakpoint
CREATE INDEX "x_post_metric_snapshots_due" ON "x_post_metric_snapshots" USING btree ("due_at");
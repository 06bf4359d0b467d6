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
ALTER TABLE "x_app_credentials" ADD CONSTRAINT "x_app_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
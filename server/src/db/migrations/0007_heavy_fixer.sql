CREATE TABLE "x_app_budgets" (
	"app_key" text NOT NULL,
	"endpoint" text NOT NULL,
	"limit" integer,
	"remaining" integer,
	"reset_at" timestamp with time zone,
	"reset_guessed" boolean DEFAULT false NOT NULL,
	CONSTRAINT "x_app_budgets_app_key_endpoint_pk" PRIMARY KEY("app_key","endpoint")
);

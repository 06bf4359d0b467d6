ALTER TABLE "unknown_mentions" RENAME TO "unknown_authors";--> statement-breakpoint
ALTER TABLE "unknown_authors" DROP CONSTRAINT "unknown_mentions_userId_kind_xId_unique";--> statement-breakpoint
ALTER TABLE "unknown_authors" DROP CONSTRAINT "unknown_mentions_user_id_users_id_fk";
--> statement-breakpoint
DROP INDEX "unknown_mentions_user_id_x_user_id_index";--> statement-breakpoint
ALTER TABLE "unknown_authors" ADD CONSTRAINT "unknown_authors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "unknown_authors_user_id_x_user_id_index" ON "unknown_authors" USING btree ("user_id","x_user_id");--> statement-breakpoint
ALTER TABLE "unknown_authors" ADD CONSTRAINT "unknown_authors_userId_kind_xId_unique" UNIQUE("user_id","kind","x_id");
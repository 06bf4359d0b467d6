import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { TweetClass } from '@perch/shared';
import { users } from '../accounts/accounts.table.ts';
import { contacts } from '../contacts/contacts.table.ts';

/** One tweet as cached, with the classifier's verdict so a refresh does not ask about it again. */
export interface CachedTweet {
  id: string;
  text: string;
  createdAt: string | null;
  url: string;
  isRetweet: boolean;
  /** null for a retweet: someone else's news is not the contact's event, so it is never classified. */
  verdict: { eventClass: TweetClass; confidence: number; classifier: string } | null;
}

/**
 * An X account's recent tweets, fetched on demand and shared by every request and every Perch user for 12 hours.
 * Keyed by X user id; the handle at fetch time (lower-cased) finds it for a contact whose X id is not known yet.
 */
export const recentTweetCache = pgTable(
  'recent_tweet_cache',
  {
    xUserId: text().primaryKey(),
    handle: text().notNull(),
    tweets: jsonb().$type<CachedTweet[]>().notNull(),
    fetchedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index().on(t.handle)],
);

/**
 * The last on-demand fetch a user asked for on a contact's page: asked at requestedAt; finished (finishedAt >=
 * requestedAt) with `failure` as the sentence to show, or null when it worked.
 */
export const recentTweetFetches = pgTable('recent_tweet_fetches', {
  contactId: uuid()
    .primaryKey()
    .references(() => contacts.id, { onDelete: 'cascade' }),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  requestedAt: timestamp({ withTimezone: true }).notNull(),
  finishedAt: timestamp({ withTimezone: true }),
  failure: text(),
});

import { z } from 'zod';

/** What a tweet can tell about its author's life; a detected one goes on the contact's timeline. */
export const eventClasses = [
  'job_change',
  'fundraising',
  'product_launch',
  'promotion',
  'milestone',
  'conference',
] as const;
export const EventClass = z.enum(eventClasses);
export type EventClass = z.infer<typeof EventClass>;

/** A classifier's verdict: one of the event classes, or 'none', with a confidence from 0 to 1. */
export const TweetClass = z.enum([...eventClasses, 'none']);
export type TweetClass = z.infer<typeof TweetClass>;

export const RecentTweet = z.object({
  id: z.string(),
  text: z.string(),
  createdAt: z.iso.datetime().nullable(),
  url: z.string(),
  isRetweet: z.boolean(),
});
export type RecentTweet = z.infer<typeof RecentTweet>;

/** A tweet classified as an event with enough confidence. */
export const DetectedEvent = z.object({
  tweetId: z.string(),
  eventClass: EventClass,
  confidence: z.number().min(0).max(1),
  url: z.string(),
  text: z.string(),
  occurredAt: z.iso.datetime().nullable(),
});
export type DetectedEvent = z.infer<typeof DetectedEvent>;

/**
 * A contact's recent tweets and detected events. `fresh`: from a fetch less than 12 hours old. `fetching`: Perch
 * is asking X (poll again); `tweets` holds the previous fetch, if any. `failed`: `message` says why, plainly.
 * `no_handle`: the contact has no X handle.
 * @example RecentTweets.parse({ status: 'no_handle', fetchedAt: null, tweets: [], events: [], message: null })
 */
export const RecentTweets = z.object({
  status: z.enum(['fresh', 'fetching', 'failed', 'no_handle']),
  fetchedAt: z.iso.datetime().nullable(),
  tweets: z.array(RecentTweet),
  events: z.array(DetectedEvent),
  message: z.string().nullable(),
});
export type RecentTweets = z.infer<typeof RecentTweets>;

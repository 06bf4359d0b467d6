import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type DetectedEvent,
  type EventClass,
  RecentTweets,
  TweetClass,
  eventClasses,
} from '../index.ts';

describe('recent tweets schemas', () => {
  it('knows the six event classes, and none only as a verdict', () => {
    expect(eventClasses).toEqual([
      'job_change',
      'fundraising',
      'product_launch',
      'promotion',
      'milestone',
      'conference',
    ]);
    expect(TweetClass.parse('none')).toBe('none');
    const event = {
      tweetId: '1',
      eventClass: 'none',
      confidence: 0.9,
      url: 'https://x.com/a/status/1',
      text: 't',
      occurredAt: null,
    };
    expect(
      RecentTweets.safeParse({
        status: 'fresh',
        fetchedAt: null,
        tweets: [],
        events: [event],
        message: null,
      }).success,
    ).toBe(false);
  });

  it('refuses a confidence outside 0..1 and an unknown status', () => {
    const event = {
      tweetId: '1',
      eventClass: 'milestone',
      confidence: 1.2,
      url: 'https://x.com/a/status/1',
      text: 't',
      occurredAt: null,
    };
    expect(
      RecentTweets.safeParse({
        status: 'fresh',
        fetchedAt: null,
        tweets: [],
        events: [event],
        message: null,
      }).success,
    ).toBe(false);
    expect(
      RecentTweets.safeParse({
        status: 'stale',
        fetchedAt: null,
        tweets: [],
        events: [],
        message: null,
      }).success,
    ).toBe(false);
  });

  it('types', () => {
    expectTypeOf<DetectedEvent['eventClass']>().toEqualTypeOf<EventClass>();
    expectTypeOf<RecentTweets['status']>().toEqualTypeOf<
      'fresh' | 'fetching' | 'failed' | 'no_handle'
    >();
  });
});

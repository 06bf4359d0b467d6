import type { RecentTweets } from '@perch/shared';

export function eventLabel(eventClass: string, confidence: number): string;
export function renderRecentTweets(section: Element, answer: RecentTweets, now?: number): void;
export function followRecentTweets(options: {
  section: Element;
  load: () => Promise<RecentTweets>;
  describeError: (error: unknown) => string;
  wait?: (seconds: number) => Promise<void>;
}): Promise<RecentTweets | null>;

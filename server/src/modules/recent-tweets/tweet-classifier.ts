/**
 * What classifies a contact's tweets into events: Claude when a key is configured, else the local rules. Both
 * answer one verdict per tweet, and say who gave it, so a verdict is only asked for again when the classifier
 * that would answer now is a different one (a Claude answer that failed and fell back to the rules, say).
 */
import type { TweetClass } from '@perch/shared';
import type { Config } from '../../config.ts';
import type { Logger } from '../../lib/logger.ts';
import { createClaudeClassifier } from './claude-classifier.ts';
import { localClassifier } from './local-classifier.ts';

/** A detected event goes on the contact's timeline at this confidence or above. */
export const eventConfidenceThreshold = 0.7;

export interface TweetToClassify {
  id: string;
  text: string;
}

export interface TweetVerdict {
  tweetId: string;
  eventClass: TweetClass;
  confidence: number;
  /** Who answered: 'local' or 'claude:<model>'. */
  classifier: string;
}

export interface TweetClassifier {
  /** The name its own verdicts carry. */
  name: string;
  /** One verdict per tweet, in the same order. Never throws for the classifier's own reasons. */
  classify(tweets: TweetToClassify[]): Promise<TweetVerdict[]>;
}

export function createTweetClassifier({
  anthropic,
  logger,
  fetch,
}: {
  anthropic: Config['anthropic'];
  logger: Logger;
  fetch?: typeof globalThis.fetch;
}): TweetClassifier {
  if (!anthropic) return localClassifier;
  return createClaudeClassifier({ ...anthropic, fallback: localClassifier, logger, fetch });
}

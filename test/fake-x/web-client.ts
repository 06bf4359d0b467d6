import { randomBytes, randomInt } from 'node:crypto';
import {
  searchTimelineFeatures,
  userByScreenNameFeatures,
  userTweetsFeatures,
} from './bird-features.ts';
import type { FakeXOperation } from './types.ts';

/**
 * What X's web client is at the moment: the query id and required feature flags of each GraphQL
 * operation the fake serves, and the client bearer token. X ships all three in its web bundles and
 * changes them without notice (ids: public-clis/twitter-cli#82, epiral/bb-sites#89; bearer:
 * imperatrona/twitter-scraper#53); strict mode refuses requests that do not match, and the bundles
 * (bundles.ts) always show the current values so a client can rediscover them.
 */
export const fakeXOperations: readonly FakeXOperation[] = [
  'UserByScreenName',
  'UserTweets',
  'SearchTimeline',
];

// The ids bird 0.8.0 tries first: UserByScreenName's first hard-coded id (twitter-client-user-lookup.js),
// UserTweets from FALLBACK_QUERY_IDS (twitter-client-constants.js), SearchTimeline from query-ids.json.
export const birdQueryIds: Record<FakeXOperation, string> = {
  UserByScreenName: 'xc8f1g7BYqr6VTzTbvNlGw',
  UserTweets: 'Wms1GvIiHXAPBaCr9KblaA',
  SearchTimeline: '6AAys3t42mosm_yTI_QENg',
};

// The web client's bearer, as bird 0.8.0 sends it (twitter-client-base.js getBaseHeaders).
export const birdBearer =
  'AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA';

const birdFeatures: Record<FakeXOperation, Record<string, boolean>> = {
  UserByScreenName: userByScreenNameFeatures,
  UserTweets: userTweetsFeatures,
  SearchTimeline: searchTimelineFeatures,
};

export interface RotateOptions {
  /** Which operations get new ids; default all three. */
  operations?: string[];
  /** Feature names that become required, per operation (served as `true` in the bundles). */
  addFeatures?: Partial<Record<string, string[]>>;
}

export interface WebClient {
  /** Bumped on every change, so bundles are rebuilt (and renamed) only when something changed. */
  readonly version: number;
  readonly bearer: string;
  queryIds(): Record<FakeXOperation, string>;
  /** The operation's required feature names with the value the web client's config gives each. */
  features(operation: FakeXOperation): Record<string, boolean>;
  /** Ids of operations the fake does not serve, shown in the bundles as decoys. */
  decoyIds(): Record<string, string>;
  isCurrent(operation: string, queryId: string): boolean;
  /** Required names the sent `features` object lacks or has null, in X's order (the required order). */
  missingFeatures(operation: FakeXOperation, sent: unknown): string[];
  rotateQueryIds(opts?: RotateOptions): Record<FakeXOperation, string>;
  rotateBearer(): string;
  /** Back to the ids, features and bearer the fake started with. */
  reset(): void;
}

/** Operations the bundles carry only to fool a parser that matches names by proximity or prefix. */
export const decoyOperations = [
  'HomeTimeline',
  'TweetDetail',
  'UserTweetsAndReplies',
  'UserByRestId',
  'SearchTimelineV2Typeahead',
];

export const isFakeXOperation = (name: string): name is FakeXOperation =>
  (fakeXOperations as readonly string[]).includes(name);

export function createWebClient(initialIds: Partial<Record<string, string>> = {}): WebClient {
  for (const name of Object.keys(initialIds)) {
    if (!isFakeXOperation(name))
      throw new Error(`fake X: no query id for ${name}; it serves ${fakeXOperations.join(', ')}`);
  }
  const startIds = { ...birdQueryIds, ...(initialIds as Partial<Record<FakeXOperation, string>>) };
  let ids = { ...startIds };
  let features = cloneFeatures(birdFeatures);
  // Decoys keep their ids, so a bundle changes (and is renamed) only when an operation in it does.
  const decoys = randomDecoyIds();
  let bearer = birdBearer;
  let version = 0;

  return {
    get version() {
      return version;
    },
    get bearer() {
      return bearer;
    },
    queryIds: () => ({ ...ids }),
    features: (operation) => ({ ...features[operation] }),
    decoyIds: () => ({ ...decoys }),
    isCurrent: (operation, queryId) => isFakeXOperation(operation) && ids[operation] === queryId,
    missingFeatures(operation, sent) {
      const given =
        sent && typeof sent === 'object' && !Array.isArray(sent)
          ? (sent as Record<string, unknown>)
          : {};
      return Object.keys(features[operation]).filter(
        (name) => given[name] === undefined || given[name] === null,
      );
    },
    rotateQueryIds({ operations = [...fakeXOperations], addFeatures = {} } = {}) {
      for (const name of [...operations, ...Object.keys(addFeatures)]) {
        if (!isFakeXOperation(name))
          throw new Error(`fake X: cannot rotate ${name}; it serves ${fakeXOperations.join(', ')}`);
      }
      for (const name of operations as FakeXOperation[]) ids[name] = randomQueryId();
      for (const [name, added] of Object.entries(addFeatures)) {
        for (const feature of added ?? []) features[name as FakeXOperation][feature] = true;
      }
      version += 1;
      return { ...ids };
    },
    rotateBearer() {
      bearer = randomBearer();
      version += 1;
      return bearer;
    },
    reset() {
      ids = { ...startIds };
      features = cloneFeatures(birdFeatures);
      bearer = birdBearer;
      version += 1;
    },
  };
}

const cloneFeatures = (from: Record<FakeXOperation, Record<string, boolean>>) =>
  Object.fromEntries(fakeXOperations.map((op) => [op, { ...from[op] }])) as Record<
    FakeXOperation,
    Record<string, boolean>
  >;

/** 22 characters of [A-Za-z0-9_-], like X's query ids (16 random bytes in base64url). */
export const randomQueryId = () => randomBytes(16).toString('base64url');

const randomDecoyIds = () => Object.fromEntries(decoyOperations.map((op) => [op, randomQueryId()]));

const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomAlphanumerics = (length: number) =>
  Array.from({ length }, () => alphanumerics[randomInt(alphanumerics.length)]).join('');

/** A bearer of the web client's shape and length: 21 × "A", random characters, "%3D", random characters. */
function randomBearer(): string {
  const [head, tail] = birdBearer.split('%3D') as [string, string];
  return `${'A'.repeat(21)}${randomAlphanumerics(head.length - 21)}%3D${randomAlphanumerics(tail.length)}`;
}

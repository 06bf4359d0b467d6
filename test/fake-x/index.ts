/**
 * An X (x.com / api.x.com) emulator for offline tests: the endpoints bird calls to find the
 * current user, look up a profile, read a profile's tweets (UserTweets) and search (SearchTimeline:
 * "@handle", "from:<handle>" with or without replies, since_id/max_id), paged like X; X's cookie + csrf rules, error bodies and rate-limit
 * headers, and switchable failure modes. It also plays X's image host (pbs.twimg.com) and serves the
 * avatar each profile names. Point both PERCH_X_ORIGIN and PERCH_X_API_ORIGIN at `url`.
 *
 * Also X's OAuth 2.0 with PKCE (/i/oauth2/authorize, /2/oauth2/token, /2/oauth2/revoke) and the
 * API v2 lookups a DM sync needs (/2/users/me, /2/users, /2/dm_events, /2/dm_conversations/…/dm_events),
 * with X's budgets and problem bodies. Every API v2 answer is checked against X's OpenAPI document;
 * one that breaks it makes reset() throw and close() reject.
 *
 * It serves x.com's pages and the web client bundles (abs.twimg.com, routed to `url`) that name each
 * operation's query id and feature switches and the client bearer, the way bird discovers them. With
 * `strict: true` it plays the real X rather than a kind one: rotatable query ids (a stale one answers
 * 404 "Query: Unspecified"), required feature flags (400 code 336), a rotatable client bearer (401
 * code 32), per-account budgets on the fake's clock (429 code 88), X's paging (opaque cursors, cursors
 * in TimelineReplaceEntry from page 2, TweetWithVisibilityResults wrappers), UserTweets without
 * replies to others, settings.json without user_id. README.md lists every behaviour with its source.
 *
 * @example
 * const fakeX = await startFakeX({ strict: true, now: () => clock });
 * fakeX.addAccount({ authToken: 'a1', ct0: 'c1', userId: '42', screenName: 'perch_test', name: 'Perch Test' });
 * fakeX.addAccount({ userId: '43', screenName: 'alice', name: 'Alice', bio: 'no cookies: a contact' });
 * fakeX.addTweets([{ id: '1880000000000000001', by: 'alice', text: '@perch_test hi' }]);
 * fakeX.setMode('rate_limited', { resetAt: new Date(Date.now() + 60_000), afterRequests: 1 });
 * fakeX.oauth.addClient({ clientId: 'perch', clientSecret: 's3cret', redirectUris: ['http://127.0.0.1:3000/x/callback'] });
 * fakeX.oauth.setConsent({ userId: '42', approve: true });
 * fakeX.dm.addEvents([{ id: '1880000000000000002', senderId: '43', recipientId: '42', text: 'hello' }]);
 * fakeX.rotateQueryIds({ addFeatures: { UserTweets: ['new_flag_enabled'] } }); // X ships a new web client
 * fakeX.rotateBearer();
 * fakeX.setBudget('SearchTimeline', { limit: 2, windowSeconds: 60 });
 * fakeX.setPromoted({ id: '1990000000000000000', by: 'alice', text: 'Buy now' });
 *
 * X's write side (README.md "X's write side"): POST/DELETE /2/tweets, the chunked media upload,
 * GET /2/users/:id/tweets, GET /2/tweets, /2/tweets/analytics, OAuth 1.0a and app Bearer tokens:
 * fakeX.oauth1.addCredentials({ consumerKey, consumerSecret, accessToken, accessTokenSecret, userId: '42' });
 * fakeX.faults.inject('drop-after-create', { times: 1 }); // or { probability: 0.2, seed: 3 }
 * fakeX.media.setProcessing({ polls: 3, outcome: { code: 1, name: 'InvalidMedia', message: 'Unsupported video format' } });
 * fakeX.limits.set('createPosts', { limit: 5, windowSeconds: 900 });
 * fakeX.posts.all('42'); fakeX.requestCount('createPosts');
 */
export { startFakeX } from './server.ts';
export type {
  FakeX,
  FakeXAccount,
  FakeXBudgetedOperation,
  FakeXDm,
  FakeXDmEvent,
  FakeXFaultOptions,
  FakeXFaults,
  FakeXLimits,
  FakeXMedia,
  FakeXMediaControl,
  FakeXOAuth1,
  FakeXOAuth1Credentials,
  FakeXPost,
  FakeXPostMetrics,
  FakeXPosts,
  FakeXProcessing,
  FakeXSpelling,
  FakeXSubscriptionType,
  FakeXWriteEndpoint,
  FakeXWriteFault,
  FakeXMode,
  FakeXModeOptions,
  FakeXOAuth,
  FakeXOAuthClient,
  FakeXOperation,
  FakeXRequest,
  FakeXSearch,
  FakeXTokenRequest,
  FakeXTweet,
  StartFakeXOptions,
} from './types.ts';
export type { OpenApiViolation } from './openapi.ts';

/**
 * An X (x.com / api.x.com) emulator for offline tests: the endpoints bird calls to find the
 * current user, look up a profile, read a profile's tweets (UserTweets) and search mentions
 * (SearchTimeline "@handle"), paged like X; X's cookie + csrf rules, error bodies and rate-limit
 * headers, and switchable failure modes. Point both PERCH_X_ORIGIN and PERCH_X_API_ORIGIN at `url`.
 *
 * @example
 * const fakeX = await startFakeX();
 * fakeX.addAccount({ authToken: 'a1', ct0: 'c1', userId: '42', screenName: 'perch_test', name: 'Perch Test' });
 * fakeX.addAccount({ userId: '43', screenName: 'alice', name: 'Alice', bio: 'no cookies: a contact' });
 * fakeX.addTweets([{ id: '1880000000000000001', by: 'alice', text: '@perch_test hi' }]);
 * fakeX.setMode('rate_limited', { resetAt: new Date(Date.now() + 60_000), afterRequests: 1 });
 */
export { startFakeX } from './server.ts';
export type {
  FakeX,
  FakeXAccount,
  FakeXDm,
  FakeXDmEvent,
  FakeXMode,
  FakeXModeOptions,
  FakeXOAuth,
  FakeXOAuthClient,
  FakeXRequest,
  FakeXTokenRequest,
  FakeXTweet,
  StartFakeXOptions,
} from './types.ts';

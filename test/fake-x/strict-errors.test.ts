// Strict mode's account endpoints and X's error answers: settings.json without user_id, the
// account-wide 403s and 336, and the per-contact answers (protected, suspended).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { inventedFeature } from './answer.ts';
import { birdClient } from './bird-support.ts';
import { startFakeX, type FakeX } from './index.ts';
import { apiHeaders, graphql } from './strict-support.ts';

const me = {
  authToken: 'se-auth',
  ct0: 'se-ct0',
  userId: '600',
  screenName: 'errors_me',
  name: 'Errors Me',
};
const locked = {
  userId: '601',
  screenName: 'locked_in',
  name: 'Locked In',
  bio: 'my secret bio',
  protected: true,
};
const gone = { userId: '602', screenName: 'gone', name: 'Gone', suspended: true };
const goneOlder = {
  userId: '603',
  screenName: 'gone_older',
  name: 'Gone Too',
  suspended: true,
  partialErrors: true,
};

let fakeX: FakeX;
beforeEach(async () => {
  fakeX ??= await startFakeX({ strict: true });
  fakeX.reset();
  for (const account of [me, locked, gone, goneOlder]) fakeX.addAccount(account);
  fakeX.addTweets([{ id: '7001', by: 'locked_in', text: 'only for followers' }]);
});
afterAll(() => fakeX?.close());

const getJson = async (path: string) => {
  const res = await fetch(new URL(path, fakeX.url), { headers: apiHeaders(fakeX, me) });
  return { status: res.status, body: await res.json() };
};

describe('strict fake X: account endpoints', () => {
  it('leaves user_id out of settings.json, so bird walks its chain to the settings page', async () => {
    const settings = await getJson('/i/api/account/settings.json');
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ screen_name: 'errors_me', name: 'Errors Me' });
    expect(settings.body).not.toHaveProperty('user_id');
    expect((await getJson('/1.1/account/verify_credentials.json')).body).toMatchObject({
      id_str: '600',
    });

    fakeX.requests.length = 0;
    const bird = birdClient(fakeX, me);
    expect(await bird.getCurrentUser()).toEqual({
      success: true,
      user: { id: '600', username: 'errors_me', name: 'Errors Me' },
    });
    // bird finds no user_id in settings.json and reads verify_credentials' user_id/user.id_str (not id_str).
    expect(fakeX.requests.map((r) => [r.path, r.status])).toEqual([
      ['/i/api/account/settings.json', 200],
      ['/1.1/account/settings.json', 200],
      ['/i/api/account/verify_credentials.json', 200],
      ['/1.1/account/verify_credentials.json', 200],
      ['/settings/account', 200],
    ]);
  });

  it('keeps user_id when not strict', async () => {
    const kind = await startFakeX({ strict: false });
    try {
      kind.addAccount(me);
      const res = await fetch(new URL('/i/api/account/settings.json', kind.url), {
        headers: apiHeaders(kind, me),
      });
      expect(await res.json()).toMatchObject({ user_id: '600' });
    } finally {
      await kind.close();
    }
  });
});

describe('strict fake X: account-wide errors', () => {
  const cases = [
    [
      'locked',
      326,
      'To protect our users from spam and other malicious activity, this account is temporarily locked. Please log in to https://twitter.com to unlock your account.',
    ],
    ['suspended', 64, 'Your account is suspended and is not permitted to access this feature.'],
    [
      'automated',
      226,
      "This request looks like it might be automated. To protect our users from spam and other malicious activity, we can't complete this action right now. Please try again later.",
    ],
  ] as const;
  for (const [mode, code, message] of cases) {
    it(`answers 403 code ${code} in mode '${mode}', on GraphQL and REST`, async () => {
      fakeX.setMode(mode, { afterRequests: 1 });
      expect((await getJson('/i/api/account/settings.json')).status).toBe(200);
      for (const path of [
        '/1.1/account/settings.json',
        '/i/api/1.1/users/show.json?screen_name=gone',
      ]) {
        expect(await getJson(path)).toEqual({ status: 403, body: { errors: [{ code, message }] } });
      }
      const lookUp = await graphql(fakeX, me, 'UserByScreenName', { screen_name: 'locked_in' });
      expect(lookUp).toMatchObject({ status: 403, body: { errors: [{ code, message }] } });
    });
  }

  it("answers every GraphQL request 400 code 336 in mode 'features_changed', whatever it sends", async () => {
    fakeX.setMode('features_changed');
    const body = {
      errors: [{ message: `The following features cannot be null: ${inventedFeature}`, code: 336 }],
    };
    expect(await graphql(fakeX, me, 'UserTweets', { userId: '601' })).toMatchObject({
      status: 400,
      body,
    });
    expect(
      await graphql(
        fakeX,
        me,
        'SearchTimeline',
        { rawQuery: '@x' },
        { features: { [inventedFeature]: true } },
      ),
    ).toMatchObject({ status: 400, body });
    expect((await getJson('/1.1/account/verify_credentials.json')).status).toBe(200);
    const bird = birdClient(fakeX, me);
    expect(await bird.search('@errors_me', 20)).toMatchObject({
      success: false,
      error: expect.stringContaining('HTTP 400'),
    });
  });
});

describe('fake X: one contact’s errors', () => {
  it('shows a protected profile as partial data beside code 37: no description, no avatar', async () => {
    const { status, body } = await graphql(fakeX, me, 'UserByScreenName', {
      screen_name: 'locked_in',
    });
    expect(status).toBe(200);
    expect(body.data.user.result).toEqual({
      __typename: 'User',
      rest_id: '601',
      core: { screen_name: 'locked_in', name: 'Locked In' },
      legacy: { protected: true, screen_name: 'locked_in', name: 'Locked In' },
    });
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/^Authorization: Denied by access control: /),
        code: 37,
        kind: 'Permissions',
        path: ['user', 'result', 'legacy'],
      },
    ]);
    // bird takes it for a found profile.
    expect(await birdClient(fakeX, me).getUserIdByUsername('locked_in')).toMatchObject({
      success: true,
      userId: '601',
    });

    const timeline = await graphql(fakeX, me, 'UserTweets', { userId: '601' });
    expect(timeline.status).toBe(200);
    expect(timeline.body.data).toEqual({
      user: { result: { __typename: 'User', timeline: { timeline: { instructions: [] } } } },
    });
    expect(timeline.body.errors[0]).toMatchObject({ code: 37, kind: 'Permissions' });

    // The account itself sees its whole profile.
    const self = { authToken: 'locked-auth', ct0: 'locked-ct0' };
    fakeX.addAccount({ ...locked, ...self });
    const own = await graphql(fakeX, self, 'UserByScreenName', { screen_name: 'locked_in' });
    expect(own.body.data.user.result.legacy).toMatchObject({
      description: 'my secret bio',
      protected: true,
    });
    expect(own.body.errors).toBeUndefined();
  });

  it('answers a suspended profile UserUnavailable, or with partialErrors 200 beside code 63', async () => {
    const unavailable = await graphql(fakeX, me, 'UserByScreenName', { screen_name: 'gone' });
    expect(unavailable.body).toEqual({
      data: {
        user: {
          result: {
            __typename: 'UserUnavailable',
            reason: 'Suspended',
            message: 'User is suspended',
          },
        },
      },
    });
    const partial = await graphql(fakeX, me, 'UserByScreenName', { screen_name: 'gone_older' });
    expect(partial).toMatchObject({
      status: 200,
      body: {
        data: { user: {} },
        errors: [{ message: 'User has been suspended.', code: 63, kind: 'NonFatal' }],
      },
    });
    // bird reads the errors, then asks users/show.json, which says 403 code 63.
    const bird = await birdClient(fakeX, me).getUserIdByUsername('gone_older');
    expect(bird).toMatchObject({
      success: false,
      error: expect.stringContaining('User has been suspended.'),
    });
  });
});

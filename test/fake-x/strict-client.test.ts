// Strict mode, the web client side: x.com pages and bundles, query ids, feature flags, the bearer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildSearchFeatures,
  buildUserTweetsFeatures,
} from '../../server/node_modules/@steipete/bird/dist/lib/twitter-client-features.js';
import { birdClient, discoverWithBird } from './bird-support.ts';
import { startFakeX, type FakeX } from './index.ts';
import { apiHeaders, birdFeaturesOf, graphql } from './strict-support.ts';

const me = {
  authToken: 'sc-auth',
  ct0: 'sc-ct0',
  userId: '300',
  screenName: 'strict_me',
  name: 'Strict Me',
};
const alice = { userId: '301', screenName: 'alice', name: 'Alice', bio: 'hi' };
const operations = ['UserByScreenName', 'UserTweets', 'SearchTimeline'];
const tmp = mkdtempSync(path.join(tmpdir(), 'fake-x-strict-'));

let fakeX: FakeX;
beforeEach(async () => {
  fakeX ??= await startFakeX({ strict: true });
  fakeX.reset();
  fakeX.addAccount(me);
  fakeX.addAccount(alice);
  fakeX.addTweets([{ id: '5000', by: 'alice', text: 'hello @strict_me' }]);
});
afterAll(() => fakeX?.close());

const get = async (p: string) => {
  const res = await fetch(new URL(p, fakeX.url));
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text: await res.text(),
    headers: res.headers,
  };
};
const bundleUrls = (html: string) =>
  [
    ...html.matchAll(/https:\/\/abs\.twimg\.com\/responsive-web\/client-web\/[A-Za-z0-9.-]+\.js/g),
  ].map((m) => m[0]);
const bundlePath = (url: string) => new URL(url).pathname;

describe('strict fake X: the web client', () => {
  it('starts with the ids and features bird 0.8.0 sends, and a bird that talks to it works', async () => {
    expect(fakeX.strict).toBe(true);
    expect(fakeX.queryIds).toEqual({
      UserByScreenName: 'xc8f1g7BYqr6VTzTbvNlGw',
      UserTweets: 'Wms1GvIiHXAPBaCr9KblaA',
      SearchTimeline: '6AAys3t42mosm_yTI_QENg',
    });
    expect(birdFeaturesOf.SearchTimeline).toEqual(buildSearchFeatures());
    expect(birdFeaturesOf.UserTweets).toEqual(buildUserTweetsFeatures());
    const bird = birdClient(fakeX, me);
    expect(await bird.getUserIdByUsername('alice')).toMatchObject({ success: true, userId: '301' });
    expect(await bird.search('@strict_me', 20)).toMatchObject({
      success: true,
      tweets: [{ id: '5000' }],
    });
    expect(await bird.getUserTweets('301', 20)).toMatchObject({
      success: true,
      tweets: [{ id: '5000' }],
    });
    // bird's search asks for a second page (it wants 20 and got 1), which is empty.
    expect(fakeX.requests.map((r) => [r.operation, r.status])).toEqual([
      ['UserByScreenName', 200],
      ['SearchTimeline', 200],
      ['SearchTimeline', 200],
      ['UserTweets', 200],
    ]);
  });

  it('serves x.com pages and abs.twimg.com bundles without cookies, outside every budget', async () => {
    for (const p of ['/', '/?lang=en', '/explore', '/notifications', '/settings/profile']) {
      const page = await get(p);
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^text\/html/);
      expect(page.headers.get('x-rate-limit-limit')).toBeNull();
      const urls = bundleUrls(page.text).map(bundlePath);
      expect(urls).toContain(`/responsive-web/client-web/${fakeX.bundles.main}`);
      expect(urls).toContain(`/responsive-web/client-web/${fakeX.bundles.profile}`);
    }
    expect(fakeX.bundles.main).toMatch(/^main\.[0-9a-f]{8}\.js$/);
    expect(fakeX.bundles.profile).toMatch(/^bundle\.UserProfile\.[0-9a-f]{8}\.js$/);

    const main = await get(`/responsive-web/client-web/${fakeX.bundles.main}`);
    expect(main.type).toMatch(/^application\/javascript/);
    expect(main.text).toContain(
      `e.exports={queryId:"6AAys3t42mosm_yTI_QENg",operationName:"SearchTimeline",operationType:"query",metadata:{featureSwitches:${JSON.stringify(Object.keys(birdFeaturesOf.SearchTimeline))},fieldToggles:["withAuxiliaryUserLabels"]}}`,
    );
    expect(main.text).toContain(
      '"Bearer AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA"',
    );
    expect(main.text).not.toContain('operationName:"UserTweets"');
    const profile = await get(`/responsive-web/client-web/${fakeX.bundles.profile}`);
    expect(profile.text).toContain('queryId:"Wms1GvIiHXAPBaCr9KblaA",operationName:"UserTweets"');
    expect(profile.text).toContain(
      'queryId:"xc8f1g7BYqr6VTzTbvNlGw",operationName:"UserByScreenName"',
    );
    expect(profile.text).toContain('operationName:"UserTweetsAndReplies"'); // a decoy
    expect((await get('/responsive-web/client-web/main.00000000.js')).status).toBe(404);

    // The initial state has a value for every feature any operation requires.
    const html = (await get('/')).text;
    const state = JSON.parse(
      /window\.__INITIAL_STATE__=(\{.*?\});window\.__META_DATA__/s.exec(html)![1]!,
    );
    for (const op of operations) {
      for (const name of Object.keys(birdFeaturesOf[op as 'UserTweets'])) {
        expect(typeof state.featureSwitch.defaultConfig[name]?.value, name).toBe('boolean');
      }
    }
    expect(fakeX.requests.every((r) => r.status === 200 || r.status === 404)).toBe(true);
    expect(fakeX.requests.at(-1)).toMatchObject({ path: '/', status: 200, operation: null });
    for (const op of operations) expect(fakeX.budgetUsed(me.authToken, op as 'UserTweets')).toBe(0);
  });

  it('is found by bird’s own discovery, which must read both bundles; rotation renames them', async () => {
    const before = await discoverWithBird(fakeX, path.join(tmp, 'a.json'), operations);
    expect(before?.ids).toEqual(fakeX.queryIds);
    const names = fakeX.bundles;

    const rotated = fakeX.rotateQueryIds();
    for (const op of operations) {
      expect(rotated[op]).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(rotated[op]).not.toBe(before!.ids[op]);
    }
    expect(fakeX.bundles.main).not.toBe(names.main);
    expect(fakeX.bundles.profile).not.toBe(names.profile);
    expect((await get(`/responsive-web/client-web/${names.main}`)).status).toBe(404);
    const after = await discoverWithBird(fakeX, path.join(tmp, 'b.json'), operations);
    expect(after?.ids).toEqual(rotated);
    expect(after?.discovery.bundles).toEqual(
      expect.arrayContaining([fakeX.bundles.main, fakeX.bundles.profile]),
    );

    // Only the named operations move; the others' ids and bundles stay.
    const profileName = fakeX.bundles.profile;
    const again = fakeX.rotateQueryIds({ operations: ['SearchTimeline'] });
    expect(again.UserTweets).toBe(rotated.UserTweets);
    expect(again.SearchTimeline).not.toBe(rotated.SearchTimeline);
    expect(fakeX.bundles.profile).toBe(profileName);
  });

  it('fools a parser that matches by proximity instead of by module', async () => {
    const profile = (await get(`/responsive-web/client-web/${fakeX.bundles.profile}`)).text;
    const naive = /queryId:"([^"]+)".*?operationName:"UserTweets/s.exec(profile)?.[1];
    expect(naive).toBeDefined();
    expect(naive).not.toBe(fakeX.queryIds.UserTweets);
    const exact = /e\.exports=\{queryId:"([^"]+)",operationName:"UserTweets"/.exec(profile)?.[1];
    expect(exact).toBe(fakeX.queryIds.UserTweets);
  });

  it('answers a stale query id 404 "Query: Unspecified", so bird falls back to REST or fails', async () => {
    const old = fakeX.queryIds;
    const stale = await graphql(fakeX, me, 'UserTweets', { userId: '301' });
    expect(stale.status).toBe(200);
    fakeX.rotateQueryIds();
    const gone = await graphql(
      fakeX,
      me,
      'UserTweets',
      { userId: '301' },
      { queryId: old.UserTweets },
    );
    expect(gone).toMatchObject({ status: 404, body: 'Query: Unspecified' });
    expect(gone.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await graphql(fakeX, me, 'UserTweets', { userId: '301' })).status).toBe(200);

    fakeX.requests.length = 0;
    const bird = birdClient(fakeX, me);
    // bird's three hard-coded UserByScreenName ids are all stale, then it asks users/show.json.
    expect(await bird.getUserIdByUsername('alice')).toMatchObject({ success: true, userId: '301' });
    expect(fakeX.requests.map((r) => [r.path.split('/').slice(-2).join('/'), r.status])).toEqual([
      ['xc8f1g7BYqr6VTzTbvNlGw/UserByScreenName', 404],
      ['qW5u-DAuXpMEG0zA1F7UGQ/UserByScreenName', 404],
      ['sLVLhk0bGj3MVFEKTdax1w/UserByScreenName', 404],
      ['users/show.json', 200],
    ]);
    // Search has no REST fallback: bird tries its four ids and gives up.
    expect(await bird.search('@strict_me', 20)).toEqual({ success: false, error: 'HTTP 404' });
    // Unknown operations are unspecified too.
    expect(
      (
        await fetch(new URL('/i/api/graphql/abc/HomeTimeline', fakeX.url), {
          headers: apiHeaders(fakeX, me),
        })
      ).status,
    ).toBe(404);
  });

  it('starts with other ids when told', async () => {
    const other = await startFakeX({
      strict: true,
      queryIds: { UserTweets: 'oldUserTweetsId_000000' },
    });
    try {
      expect(other.queryIds.UserTweets).toBe('oldUserTweetsId_000000');
      expect(other.queryIds.SearchTimeline).toBe('6AAys3t42mosm_yTI_QENg');
    } finally {
      await other.close();
    }
  });

  it('answers 400 code 336 naming every required feature that is missing or null', async () => {
    const { responsive_web_jetfuel_frame: _, ...withoutOne } = birdFeaturesOf.UserTweets;
    const missing = await graphql(
      fakeX,
      me,
      'UserTweets',
      { userId: '301' },
      { features: { ...withoutOne, articles_preview_enabled: null } },
    );
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      errors: [
        {
          message:
            'The following features cannot be null: responsive_web_jetfuel_frame, articles_preview_enabled',
          code: 336,
        },
      ],
    });
    // SearchTimeline's features are in bird's POST body.
    const { rweb_video_timestamps_enabled: __, ...searchWithoutOne } =
      birdFeaturesOf.SearchTimeline;
    const search = await graphql(
      fakeX,
      me,
      'SearchTimeline',
      { rawQuery: '@strict_me' },
      { features: searchWithoutOne },
    );
    expect(search.body.errors[0]).toEqual({
      message: 'The following features cannot be null: rweb_video_timestamps_enabled',
      code: 336,
    });
    expect(
      (await graphql(fakeX, me, 'UserByScreenName', { screen_name: 'alice' }, { features: null }))
        .status,
    ).toBe(400);

    // X starts requiring a new flag: bird (which does not send it) is refused; the bundle lists it.
    fakeX.rotateQueryIds({ operations: [], addFeatures: { UserTweets: ['new_flag_enabled'] } });
    const bird = birdClient(fakeX, me);
    const refused = await bird.getUserTweets('301', 20);
    expect(refused).toMatchObject({ success: false });
    expect((refused as { error: string }).error).toContain(
      '"The following features cannot be null: new_flag_enabled"',
    );
    const profile = (await get(`/responsive-web/client-web/${fakeX.bundles.profile}`)).text;
    expect(
      /operationName:"UserTweets",operationType:"query",metadata:\{featureSwitches:\[[^\]]*"new_flag_enabled"\]/.test(
        profile,
      ),
    ).toBe(true);
    expect((await get('/')).text).toContain('"new_flag_enabled":{"value":true}');
    const sent = await graphql(
      fakeX,
      me,
      'UserTweets',
      { userId: '301' },
      { features: { ...birdFeaturesOf.UserTweets, new_flag_enabled: true } },
    );
    expect(sent.status).toBe(200);
  });

  it('answers 401 code 32 to a stale client bearer even with valid cookies; the bundle shows the new one', async () => {
    const wrong = await fetch(new URL('/i/api/account/settings.json', fakeX.url), {
      headers: apiHeaders(fakeX, me, 'AAAA%3Dnope'),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      errors: [{ code: 32, message: 'Could not authenticate you.' }],
    });

    const bearer = fakeX.rotateBearer();
    expect(fakeX.bearer).toBe(bearer);
    expect(bearer).toMatch(/^A{21}[A-Za-z0-9]{38}%3D[A-Za-z0-9]{42}$/);
    expect(bearer.length).toBe(
      'AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA'
        .length,
    );
    expect((await get(`/responsive-web/client-web/${fakeX.bundles.main}`)).text).toContain(
      `"Bearer ${bearer}"`,
    );

    fakeX.requests.length = 0;
    const bird = birdClient(fakeX, me); // still sends bird's bearer
    expect(await bird.search('@strict_me', 20)).toMatchObject({
      success: false,
      error: expect.stringContaining('HTTP 401'),
    });
    expect((await bird.getUserTweets('301', 20)).success).toBe(false);
    // The settings page checks only cookies, so bird's last current-user fallback still works.
    expect(await bird.getCurrentUser()).toMatchObject({ success: true, user: { id: '300' } });
    expect(fakeX.requests.slice(-5).map((r) => [r.path, r.status])).toEqual([
      ['/i/api/account/settings.json', 401],
      ['/1.1/account/settings.json', 401],
      ['/i/api/account/verify_credentials.json', 401],
      ['/1.1/account/verify_credentials.json', 401],
      ['/settings/account', 200],
    ]);
    expect((await graphql(fakeX, me, 'UserTweets', { userId: '301' })).status).toBe(200); // with the new bearer
  });

  it('goes back to the start ids, features and bearer on reset', async () => {
    fakeX.rotateQueryIds({ addFeatures: { SearchTimeline: ['x_enabled'] } });
    fakeX.rotateBearer();
    fakeX.reset();
    expect(fakeX.queryIds.SearchTimeline).toBe('6AAys3t42mosm_yTI_QENg');
    expect(fakeX.bearer).toMatch(/^AAAAAAAAAAAAAAAAAAAAANRILg/);
    expect((await graphql(fakeX, me, 'SearchTimeline', { rawQuery: '@strict_me' })).status).toBe(
      200,
    );
  });
});

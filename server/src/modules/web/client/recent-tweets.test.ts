/**
 * The contact page's recent tweets, as a browser shows them: the server renders /contacts/:id, linkedom parses it
 * into a DOM, and the page's own code (recent-tweets.ts, what contact.ts runs) polls the real API until the
 * fetch through the real bird code against test/fake-x is done.
 */
import { parseHTML } from 'linkedom';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventLabel, type RecentTweets } from '@perch/shared';
import { startFakeX, type FakeX } from '../../../../../test/fake-x/index.ts';
import { createTestApp, fakeXEnv, jobsIdle } from '../../../test-utils/app.ts';
import { followRecentTweets } from './recent-tweets.ts';

const me = {
  authToken: 'pgauth0token0a1b2c3d4e5f60718293a4b5c6d7e',
  ct0: 'pgct0value0aaaabbbbccccddddeeeeffff',
  userId: '7000',
  screenName: 'perch_me',
  name: 'Perch Me',
};
const alice = { userId: '7001', screenName: 'alice', name: 'Alice' };
const quiet = { userId: '7002', screenName: 'quiet_one', name: 'Quiet' };
const evil = '<img src=x onerror=alert(1)> Introducing <b>Evil</b>';

let fakeX: FakeX;
let t: Awaited<ReturnType<typeof createTestApp>> | undefined;
let userId: string;
let cookie: string;

beforeAll(async () => {
  fakeX = await startFakeX();
  for (const a of [me, alice, quiet]) fakeX.addAccount(a);
  fakeX.addTweets([
    {
      id: '1920000000000000001',
      by: 'alice',
      text: evil,
      createdAt: new Date('2026-11-20T09:00:00Z'),
    },
    {
      id: '1920000000000000002',
      by: 'alice',
      text: 'Coffee first',
      createdAt: new Date('2026-11-21T09:00:00Z'),
    },
    {
      id: '1920000000000000003',
      by: 'alice',
      text: 'Speaking at React Summit next week',
      createdAt: new Date('2026-11-22T09:00:00Z'),
    },
  ]);
});
afterAll(() => fakeX.close());
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function setUp() {
  fakeX.reset();
  const app = await createTestApp({ env: fakeXEnv(fakeX.url) });
  t = app;
  const signedUp = await app.signUp();
  cookie = signedUp.cookie;
  userId = signedUp.user.id;
  await app.pushCookies(cookie, { authToken: me.authToken, ct0: me.ct0 });
}

/** Renders the contact page into a DOM and runs the page's recent-tweets script on it until it settles. */
async function showContact(xHandle: string | null) {
  const app = t!;
  const { contact } = await app.deps.contacts.create(userId, {
    name: xHandle ?? 'Nobody',
    xHandle,
    notes: '',
  });
  const res = await app.request(`/contacts/${contact.id}`, { headers: { cookie } });
  const html = await res.text();
  expect(html).toMatch(/<script type="module" src="\/assets\/contact-[A-Z0-9]{8}\.js"><\/script>/);
  const { document } = parseHTML(html);
  const section = document.getElementById('recent-tweets')!;
  const seen: string[] = [section.querySelector('#recent-status')!.textContent!];
  const answer = await followRecentTweets({
    section,
    load: async () =>
      (await (
        await app.request(`/api/v1/contacts/${contact.id}/recent-tweets`, { headers: { cookie } })
      ).json()) as RecentTweets,
    describeError: () => 'unexpected',
    // instead of a timer: what the user sees while waiting, then the fetch's own end
    wait: async () => {
      seen.push(section.querySelector('#recent-status')!.textContent!);
      await jobsIdle(app.deps);
    },
  });
  const status = section.querySelector('#recent-status')!;
  const items = [...section.querySelectorAll('#recent-tweet-list > li')];
  return {
    contact,
    answer,
    section,
    seen,
    status: status.textContent,
    tone: status.getAttribute('data-tone'),
    items,
    listHidden: section.querySelector('#recent-tweet-list')!.hasAttribute('hidden'),
  };
}

describe('contact page: recent tweets', () => {
  it('shows "fetching", then the tweets newest first with their events labelled, links to X, and text kept as text', async () => {
    await setUp();
    const shown = await showContact('alice');
    expect(shown.seen).toEqual([
      'Loading their recent tweets…',
      'Fetching their recent tweets from X…',
    ]);
    expect(shown.status).toBe(
      'Fetched from X just now. 2 events detected; they are on the timeline too.',
    );
    expect(shown.section.hasAttribute('aria-busy')).toBe(false);
    expect(shown.listHidden).toBe(false);
    expect(
      shown.items.map((li) => [
        li.getAttribute('data-kind'),
        li.querySelector('.kind-label')!.textContent,
      ]),
    ).toEqual([
      ['event', 'Conference · 90%'],
      ['tweet', 'Tweet'],
      ['event', 'Product launch · 85%'],
    ]);
    const evilItem = shown.items[2]!;
    expect(evilItem.querySelector('.item-text')!.textContent).toBe(evil);
    expect(evilItem.querySelector('img, b')).toBeNull();
    expect(evilItem.querySelector('a')!.getAttribute('href')).toBe(
      'https://x.com/alice/status/1920000000000000001',
    );
    expect(evilItem.querySelector('a')!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(evilItem.querySelector('time')!.getAttribute('datetime')).toBe(
      '2026-11-20T09:00:00.000Z',
    );

    // the events are on the server-rendered timeline too, in the same words
    const page = await (
      await t!.request(`/contacts/${shown.contact.id}`, { headers: { cookie } })
    ).text();
    const { document } = parseHTML(page);
    const timeline = [
      ...document.querySelectorAll('#timeline .timeline-item[data-kind="event"] .kind-label'),
    ].map((el) => el.textContent);
    expect(timeline).toEqual(['Conference · 90%', 'Product launch · 85%']);
  });

  it('says "No recent tweets." for an account that never tweeted, and asks for a handle when there is none', async () => {
    await setUp();
    const silent = await showContact('quiet_one');
    expect(silent).toMatchObject({ status: 'No recent tweets.', listHidden: true, items: [] });
    const nobody = await showContact(null);
    expect(nobody.seen).toEqual(['Add an X handle to see their recent tweets.']);
    expect(nobody).toMatchObject({
      status: 'Add an X handle to see their recent tweets.',
      listHidden: true,
    });
  });

  it('shows why it failed as a plain sentence, marked as an error', async () => {
    await setUp();
    fakeX.setMode('expired');
    const shown = await showContact('alice');
    expect(shown.status).toBe(
      "Perch could not fetch @alice's recent tweets. X no longer accepts your cookies; open x.com and click Refresh in the Perch extension.",
    );
    expect(shown.tone).toBe('error');
  });

  it('a call that fails shows the caller’s sentence', async () => {
    const { document } = parseHTML(
      '<section id="recent-tweets" aria-busy="true"><p id="recent-status"></p><ol id="recent-tweet-list" hidden></ol></section>',
    );
    const section = document.getElementById('recent-tweets')!;
    const answer = await followRecentTweets({
      section,
      load: () => Promise.reject(new Error('offline')),
      describeError: () => 'Perch could not reach its server.',
    });
    expect(answer).toBeNull();
    expect(section.querySelector('#recent-status')!.textContent).toBe(
      'Perch could not load their recent tweets. Perch could not reach its server.',
    );
    expect(section.hasAttribute('aria-busy')).toBe(false);
  });

  it('words an event', () => {
    expect(eventLabel('product_launch', 0.923)).toBe('Product launch · 92%');
    expect(eventLabel('job_change', Number.NaN)).toBe('Job change');
    expect(eventLabel('wedding', 0.5)).toBe('Event · 50%');
  });
});

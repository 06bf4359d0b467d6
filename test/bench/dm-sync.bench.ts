/**
 * Issue 4: X requests per DM sync run, for a first sync of 1,000 events, an idle run and a run with 5 new events,
 * for Perch (page newest-first, stop at the cursor) and, in the same run against the same fake X, for PingCRM's
 * approach as prior-art.md describes it: send since_id (which GET /2/dm_events does not have: X answers 400),
 * drop it and fetch up to 15 pages of 100 from the top, every run. Both through the real twitter-api-v2; each run
 * starts in a fresh X rate-limit window, so the count is what the approach asks for, not what a budget allows.
 */
import { TwitterApi } from 'twitter-api-v2';
import { createDmTestApp, connectDm } from '../../server/src/test-utils/x-dm.ts';
import { startFakeX, type FakeXDmEvent } from '../fake-x/index.ts';
import { grantTokens, twitterApiSettings } from '../fake-x/test-support.ts';

const me = { userId: '8000', screenName: 'perch_bench', name: 'Perch Bench' };
const peers = Array.from({ length: 40 }, (_, i) => ({
  userId: String(8001 + i),
  screenName: `peer_${i}`,
  name: `Peer ${i}`,
}));
let nextId = 1920000000000000000n;
const events = (n: number): FakeXDmEvent[] =>
  Array.from({ length: n }, (_, i) => {
    const peer = peers[i % peers.length]!;
    const fromMe = i % 3 === 0;
    return {
      id: String(++nextId),
      senderId: fromMe ? me.userId : peer.userId,
      recipientId: fromMe ? peer.userId : me.userId,
      text: `bench ${nextId}`,
    };
  });

const fakeX = await startFakeX();
for (const account of [me, ...peers]) fakeX.addAccount(account);
fakeX.oauth.setConsent({ userId: me.userId, approve: true });
const dmRequests = () => fakeX.requests.filter((r) => r.path.startsWith('/2/dm_')).length;
const lookups = () => fakeX.requests.filter((r) => r.path === '/2/users').length;

// ---- Perch: the real server code (PGlite in memory), connected through OAuth like a user -------------------
const t = await createDmTestApp(fakeX);
const { cookie, user } = await t.signUp();
for (const peer of peers.slice(0, 20))
  await t.deps.contacts.create(user.id, {
    name: peer.name,
    xHandle: peer.screenName,
    xUserId: peer.userId,
    notes: '',
  });
await connectDm(t, cookie);
while ((await t.deps.xDm.status(user.id)).lastSync?.status !== 'finished')
  await new Promise((r) => setTimeout(r, 50)); // the empty inbox's first sync

async function perchRun() {
  fakeX.reset();
  const started = performance.now();
  const result = await t.deps.xDmSync.syncAll(user.id);
  if (result.status !== 'finished') throw new Error(`perch run ${result.status}: ${result.error}`);
  return {
    dmRequests: dmRequests(),
    userLookups: lookups(),
    stored: result.imported + result.unknown,
    wallMs: Math.round(performance.now() - started),
  };
}

// ---- PingCRM's approach, same endpoint, same client ---------------------------------------------------------
const pingToken = (await grantTokens(fakeX, { userId: me.userId })).accessToken;
const v2 = new TwitterApi(pingToken, twitterApiSettings(fakeX)).v2;
let pingCursor: string | null = null;
async function pingCrmRun() {
  fakeX.reset();
  const query = {
    max_results: 100,
    'dm_event.fields': 'id,text,created_at,dm_conversation_id',
    expansions: 'sender_id',
  };
  let fetched = 0;
  if (pingCursor) {
    try {
      await v2.get('dm_events', { ...query, since_id: pingCursor });
    } catch {
      // X: 400, since_id is not a parameter of this endpoint; PingCRM then drops the cursor (commit 54dc1a2)
    }
  }
  let token: string | undefined;
  for (let page = 0; page < 15; page++) {
    const body = (await v2.get(
      'dm_events',
      token ? { ...query, pagination_token: token } : query,
    )) as { data?: Array<{ id: string }>; meta?: { next_token?: string } };
    fetched += body.data?.length ?? 0;
    for (const e of body.data ?? [])
      if (!pingCursor || BigInt(e.id) > BigInt(pingCursor)) pingCursor = e.id;
    token = body.meta?.next_token;
    if (!token) break;
  }
  return { dmRequests: dmRequests(), eventsFetched: fetched };
}

const runs: Record<string, unknown> = {};
fakeX.dm.addEvents(events(1000));
runs['first sync, 1,000 events'] = { perch: await perchRun(), pingcrm: await pingCrmRun() };
runs['idle (nothing new)'] = { perch: await perchRun(), pingcrm: await pingCrmRun() };
fakeX.dm.addEvents(events(5));
runs['5 new events'] = { perch: await perchRun(), pingcrm: await pingCrmRun() };

console.log(
  JSON.stringify(
    {
      bench:
        'X requests per DM sync run (GET /2/dm_events; Perch also names its /2/users lookups for strangers’ handles)',
      budget: '15 requests / 15 min per user and endpoint',
      runs,
    },
    null,
    1,
  ),
);
console.log(
  '\nrun                         Perch (DM requests)   PingCRM approach (DM requests, up to 15)',
);
for (const [name, r] of Object.entries(runs) as Array<
  [string, { perch: { dmRequests: number }; pingcrm: { dmRequests: number } }]
>) {
  console.log(`${name.padEnd(28)}${String(r.perch.dmRequests).padEnd(22)}${r.pingcrm.dmRequests}`);
}
await t.close();
await fakeX.close();

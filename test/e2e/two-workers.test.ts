/**
 * Two Perch server processes (`src/index.ts`, as `pnpm start` runs it) on one fresh PostgreSQL database and the
 * fake X. Every user asks both of them for a sync at the same moment: each user's run happens once (one
 * SearchTimeline per user on the fake X), and no interaction or notification is stored twice. When X rotates its
 * query ids, the two processes learn the new ones with one discovery between them.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../fake-x/index.ts';
import { waitFor } from './harness.ts';
import {
  callPerch,
  connectXUser,
  createThrowawayDatabase,
  perchProcessEnv,
  startPerchProcess,
  stopPerchProcesses,
  type PerchProcess,
} from './perch-processes.ts';

const users = Array.from({ length: 4 }, (_, i) => ({
  authToken: `twoworkers${i}auth0token0a1b2c3d4e5f60718293a4`,
  ct0: `twoworkers${i}ct0value0aaaabbbbccccdddd`,
  userId: String(8100 + i),
  screenName: `perch_w${i}`,
  name: `Worker user ${i}`,
  email: `w${i}@example.com`,
}));
const alice = { userId: '8201', screenName: 'alice', name: 'Alice', bio: 'Building things' };
const bob = { userId: '8202', screenName: 'bob', name: 'Bob', bio: 'Bob things' };
let tweetNo = 0;
const nextId = () => String(1_920_000_000_000_000_000n + BigInt(++tweetNo));

let fakeX: FakeX;
let sql: postgres.Sql;
let database: Awaited<ReturnType<typeof createThrowawayDatabase>> | undefined;
const workers: PerchProcess[] = [];
const sessions = new Map<string, { cookie: string; id: string }>(); // by email

/** Signs a user up through one process and connects their X account the way the extension does. */
async function connect(worker: PerchProcess, user: (typeof users)[number]) {
  sessions.set(user.email, await connectXUser(worker, user, [alice, bob]));
}

/** Every user asks both processes for a sync at the same moment, then all runs are waited for. */
async function syncEveryoneFromBothAtOnce() {
  await Promise.all(
    users.flatMap((u) =>
      workers.map((w) =>
        callPerch(w, 'POST', '/api/v1/x/sync', { cookie: sessions.get(u.email)!.cookie, json: {} }),
      ),
    ),
  );
  await waitFor(
    'every user’s run to finish',
    async () => {
      const rows = await sql<
        { status: string }[]
      >`select last_result->>'status' as status from x_sync_state`;
      return rows.length === users.length && rows.every((r) => r.status === 'finished');
    },
    60_000,
    100,
  );
}

const searchesPerUser = () =>
  Object.fromEntries(
    users.map((u) => [
      u.screenName,
      fakeX.requests.filter(
        (r) => r.operation === 'SearchTimeline' && r.variables.rawQuery === `@${u.screenName}`,
      ).length,
    ]),
  );
const perUser = (n: number) => Object.fromEntries(users.map((u) => [u.screenName, n]));
/** Mention syncs each process logged since line `since` of its log, by Perch user id. */
const mentionRunsSince = (since: number[]) =>
  workers.flatMap((w, i) =>
    w.lines
      .slice(since[i])
      .filter((l) => l.includes('"msg":"x sync done"') && l.includes('"sync":"mentions"'))
      .map((l) => ({ worker: w.name, userId: (JSON.parse(l) as { userId: string }).userId })),
  );
const logMarks = () => workers.map((w) => w.lines.length);

beforeAll(async () => {
  database = await createThrowawayDatabase('perch_two_workers');
  fakeX = await startFakeX();
  for (const account of [...users, alice, bob]) fakeX.addAccount(account);
  const env = perchProcessEnv(database.url, fakeX);
  // both at once on the empty database, as two servers started together would
  workers.push(
    ...(await Promise.all([
      startPerchProcess('worker A', env),
      startPerchProcess('worker B', env),
    ])),
  );
  sql = postgres(database.url, { onnotice: () => {}, max: 2 });
}, 120_000);

afterAll(async () => {
  await stopPerchProcesses(workers);
  await sql?.end();
  await fakeX?.close();
  await database?.drop();
});

describe('two server processes on one PostgreSQL', () => {
  it(
    'run each user’s sync once when both are asked at the same moment, and store nothing twice',
    { timeout: 180_000 },
    async () => {
      // users sign up on either process; a new contact's handle is refreshed through the shared queue
      for (const [i, user] of users.entries()) await connect(workers[i % 2]!, user);
      await waitFor(
        'every contact’s first bio',
        async () =>
          (await sql`select 1 from contacts where bio is not null`).length === users.length * 2,
        60_000,
        100,
      );
      for (const user of users) {
        fakeX.addTweets([
          { id: nextId(), by: 'alice', text: `@${user.screenName} hello` },
          { id: nextId(), by: 'bob', text: `@${user.screenName} hi` },
          { id: nextId(), by: 'alice', text: `@${user.screenName} again` },
        ]);
        const theirs = nextId();
        fakeX.addTweets([
          { id: theirs, by: 'alice', text: 'a thought' },
          {
            id: nextId(),
            by: user.screenName,
            text: '@alice agreed',
            inReplyTo: { id: theirs, screenName: 'alice' },
          },
        ]);
      }
      fakeX.requests.length = 0;

      let marks = logMarks();
      await syncEveryoneFromBothAtOnce();
      const firstRound = mentionRunsSince(marks);
      expect(firstRound.map((r) => r.userId).sort()).toEqual(
        users.map((u) => sessions.get(u.email)!.id).sort(),
      ); // one run per user
      // a first run reads the page of mentions and X's empty page after it: two requests, not four
      expect(searchesPerUser()).toEqual(perUser(2));
      const interactionCounts = await sql<
        { email: string; kind: string; rows: number; distinct_ids: number }[]
      >`
      select u.email, i.kind, count(*)::int as rows, count(distinct i.x_id)::int as distinct_ids
      from interactions i join users u on u.id = i.user_id group by u.email, i.kind order by u.email, i.kind`;
      expect(interactionCounts).toEqual(
        users.flatMap((u) => [
          { email: u.email, kind: 'mention_in', rows: 3, distinct_ids: 3 },
          { email: u.email, kind: 'reply_out', rows: 1, distinct_ids: 1 },
        ]),
      );
      expect(await sql`select 1 from notifications`).toHaveLength(0); // first bios are silent, nothing failed

      // alice changes her bio: every user hears of it once, however many processes looked
      fakeX.addAccount({ ...alice, bio: 'Now at Perch' });
      fakeX.requests.length = 0;
      marks = logMarks();
      await syncEveryoneFromBothAtOnce();
      const secondRound = mentionRunsSince(marks);
      expect(secondRound.map((r) => r.userId).sort()).toEqual(
        users.map((u) => sessions.get(u.email)!.id).sort(),
      );
      expect(searchesPerUser()).toEqual(perUser(1)); // incremental: one request per user
      expect(
        fakeX.requests.filter(
          (r) => r.operation === 'UserByScreenName' && r.variables.screen_name === 'alice',
        ),
      ).toHaveLength(users.length);
      const notes = await sql<{ email: string; kind: string; rows: number }[]>`
      select u.email, n.kind, count(*)::int as rows from notifications n join users u on u.id = n.user_id group by u.email, n.kind order by u.email`;
      expect(notes).toEqual(users.map((u) => ({ email: u.email, kind: 'bio_change', rows: 1 })));
      expect((await sql`select 1 from interactions where kind = 'bio_change'`).length).toBe(
        users.length,
      );

      // X rotates its query ids: both processes meet the stale ids, one of them asks x.com's bundles, and every
      // user's run goes on with the new ids, found once for all of them in the shared database
      fakeX.rotateQueryIds();
      for (const user of users)
        fakeX.addTweets([
          { id: nextId(), by: 'bob', text: `@${user.screenName} after the rotation` },
        ]);
      fakeX.requests.length = 0;
      marks = logMarks();
      await syncEveryoneFromBothAtOnce();
      const thirdRound = mentionRunsSince(marks);
      expect(thirdRound).toHaveLength(users.length);
      const bundleReads = fakeX.requests.filter((r) => r.path.startsWith('/responsive-web/'));
      expect(new Set(bundleReads.map((r) => r.path)).size).toBe(bundleReads.length); // each bundle read once: one discovery
      expect(bundleReads.length).toBeGreaterThan(0);
      // a stale id costs at most one 404 per process before the new ids are known (the other process reads them)
      expect(
        fakeX.requests.filter((r) => r.status === 404 && r.operation !== null).length,
      ).toBeLessThanOrEqual(workers.length);
      expect(
        await sql<
          { rows: number }[]
        >`select count(*)::int as rows from interactions where text like '%after the rotation'`,
      ).toEqual([{ rows: users.length }]);
      const states = await sql<{ state: string }[]>`select state from x_connections`;
      expect(states.every((r) => r.state === 'connected')).toBe(true);

      const runsBy = Object.fromEntries(
        workers.map((w) => [
          w.name,
          [...firstRound, ...secondRound, ...thirdRound].filter((r) => r.worker === w.name).length,
        ]),
      );
      console.log(`user runs per process over both rounds: ${JSON.stringify(runsBy)}`);
      expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
    },
  );
});

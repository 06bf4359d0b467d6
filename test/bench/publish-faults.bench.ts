/**
 * Issue 10: posts at X per post part requested, over BENCH_PUBLISH_FAULTS_POSTS (default 200) publishes with
 * faults injected at random. Two real Perch processes (`src/index.ts`, pg-boss) on a throwaway PostgreSQL database
 * and the fake X; OAuth 1.0a app credentials. Publishes are a mix (seeded) of single posts and threads of 2–3
 * parts, all asked for at once (publish_now) through either process. The fake X arms, each with its own seeded
 * probability per POST /2/tweets: drop-after-create, 503-after-create, timeout-after-create (held past Perch's
 * timeout), 503 before create, 429 (15-second window here, so a wait is short).
 *
 * Left out on purpose: 402 and usage-capped, which stop the account's publishing (their own states, tested in
 * x-publish.fake-x.test.ts), not post-once faults. X's reply delay is set to 0 so threads do not dominate the time.
 *
 * Prints: parts requested, posts at the fake, their ratio (goal 1.000), duplicates (a part's text at X more than
 * once), parts missing, posts published / needing attention, fault hits by kind, and how many parts needed
 * reconciliation (the account's posts read because an answer was lost or in doubt) and how many were found there.
 */
import postgres from 'postgres';
import { startFakeX } from '../fake-x/index.ts';
import type { FakeXWriteFault } from '../fake-x/write-faults.ts';
import {
  connectPublisher,
  createPostOn,
  createThrowawayDatabase,
  perchProcessEnv,
  startPerchProcess,
  stopPerchProcesses,
  waitForPostsSettled,
  type PerchProcess,
} from '../e2e/perch-processes.ts';

const total = Number(process.env.BENCH_PUBLISH_FAULTS_POSTS ?? 200);
const seed = Number(process.env.BENCH_PUBLISH_FAULTS_SEED ?? 10);
const faults: [FakeXWriteFault, number][] = [
  ['drop-after-create', 0.04],
  ['503-after-create', 0.04],
  ['timeout-after-create', 0.03],
  ['503', 0.04],
  ['429', 0.03],
];
const me = {
  authToken: 'publishfaultsauth0token0a1b2c3d4e5f60718',
  ct0: 'publishfaultsct0value0aaaabbbbccccdddd',
  userId: '8700',
  screenName: 'perch_faults',
  name: 'Faults',
  email: 'faults@example.com',
};

function mulberry32(a: number) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const database = await createThrowawayDatabase('perch_publish_faults');
const fakeX = await startFakeX();
const sql = postgres(database.url, { onnotice: () => {}, max: 2 });
const workers: PerchProcess[] = [];
const started = Date.now();
try {
  fakeX.addAccount(me);
  fakeX.posts.setReplyDelay(0);
  fakeX.limits.set('createPosts', { limit: 100_000, windowSeconds: 15 });
  const env = { ...perchProcessEnv(database.url, fakeX), PERCH_X_TIMEOUT_MS: '2000' };
  workers.push(...(await Promise.all([startPerchProcess('A', env), startPerchProcess('B', env)])));
  const { cookie } = await connectPublisher(workers[0]!, fakeX, me);
  faults.forEach(([kind, probability], i) =>
    fakeX.faults.inject(kind, { probability, seed: seed + i, holdMs: 4_000 }),
  );

  const random = mulberry32(seed);
  const requested: string[][] = [];
  for (let i = 0; i < total; i++) {
    const r = random();
    const parts = r < 0.6 ? 1 : r < 0.85 ? 2 : 3;
    requested.push(Array.from({ length: parts }, (_, p) => `Fault bench post ${i}, part ${p + 1}`));
  }
  const ids: string[] = [];
  for (let i = 0; i < requested.length; i += 10)
    ids.push(
      ...(
        await Promise.all(
          requested.slice(i, i + 10).map((texts, j) =>
            createPostOn(workers[(i + j) % 2]!, cookie, {
              action: 'publish_now',
              parts: texts.map((text) => ({ text })),
            }),
          ),
        )
      ).map((v) => v.id),
    );
  const views = await waitForPostsSettled(workers[0]!, cookie, ids, 20 * 60_000);

  const partsRequested = requested.flat();
  const atX = fakeX.posts.all(me.userId).map((p) => p.text);
  const times = new Map<string, number>();
  for (const text of atX) times.set(text, (times.get(text) ?? 0) + 1);
  const duplicates = [...times.values()].filter((n) => n > 1).reduce((s, n) => s + n - 1, 0);
  const missing = partsRequested.filter((t) => !times.has(t)).length;
  const hits: Record<string, number> = {};
  for (const h of fakeX.faults.hits) hits[h.kind] = (hits[h.kind] ?? 0) + 1;
  const lines = workers.flatMap((w) => w.lines);
  const reconciled = await sql<{ n: number }[]>`
    select count(*)::int as n from x_post_parts where attempts > 1 or state <> 'published'`;
  const foundByReading = lines.filter((l) =>
    l.includes('"msg":"found the part among the account’s posts"'),
  ).length;
  const inDoubt = lines.filter((l) => l.includes('"msg":"x refused or lost a post"')).length;
  const attention = views.filter((v) => v.status === 'needs_attention');
  console.log(`publish-faults (seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  console.log(
    JSON.stringify(
      {
        publishes: total,
        partsRequested: partsRequested.length,
        postsAtFake: atX.length,
        postsAtFakePerPartRequested: (atX.length / partsRequested.length).toFixed(3),
        duplicates,
        partsMissing: missing,
        published: views.filter((v) => v.status === 'published').length,
        needsAttention: attention.length,
        attentionReasons: [...new Set(attention.map((v) => v.attention?.reason))],
        faultHits: hits,
        createPostsRequests: fakeX.requestCount('createPosts'),
        ownPostsReads: fakeX.requestCount('usersPosts'),
        answersLostOrRefused: inDoubt,
        partsFoundByReadingOwnPosts: foundByReading,
        partsWithMoreThanOneSendAttempt: reconciled[0]!.n,
      },
      null,
      2,
    ),
  );
} finally {
  await stopPerchProcesses(workers);
  await sql.end();
  await fakeX.close();
  await database.drop();
}

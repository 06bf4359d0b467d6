/**
 * Issue 10: delay from a post's scheduled time to X receiving it, with jobs running as in production: two real
 * Perch processes (`src/index.ts`, pg-boss on PostgreSQL) on a throwaway database and the fake X, OAuth 1.0a app
 * credentials. BENCH_SCHEDULE_DELAY_POSTS (default 30) posts are scheduled through either process, the first
 * 15 s ahead and each next one BENCH_SCHEDULE_DELAY_STEP_MS (default 700) ms later. The moment X received a post
 * is when the fake created it (its clock is the real one). Prints p50, p95 and max of (received − scheduledAt),
 * and how many were early (should be none).
 */
import { startFakeX } from '../fake-x/index.ts';
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

const count = Number(process.env.BENCH_SCHEDULE_DELAY_POSTS ?? 30);
const stepMs = Number(process.env.BENCH_SCHEDULE_DELAY_STEP_MS ?? 700);
const me = {
  authToken: 'scheduledelayauth0token0a1b2c3d4e5f60718',
  ct0: 'scheduledelayct0value0aaaabbbbccccdddd',
  userId: '8950',
  screenName: 'perch_schedule',
  name: 'Schedule',
  email: 'schedule@example.com',
};
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

const database = await createThrowawayDatabase('perch_schedule_delay');
const fakeX = await startFakeX();
const workers: PerchProcess[] = [];
try {
  fakeX.addAccount(me);
  const env = perchProcessEnv(database.url, fakeX);
  workers.push(...(await Promise.all([startPerchProcess('A', env), startPerchProcess('B', env)])));
  const { cookie } = await connectPublisher(workers[0]!, fakeX, me);
  const first = Date.now() + 15_000;
  const scheduled = new Map<string, number>(); // text → scheduledAt (ms)
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = first + i * stepMs;
    const text = `Scheduled for slot ${i}`;
    const view = await createPostOn(workers[i % 2]!, cookie, {
      action: 'schedule',
      parts: [{ text }],
      scheduledAt: new Date(at).toISOString(),
    });
    scheduled.set(text, at);
    ids.push(view.id);
  }
  if (Date.now() > first) throw new Error('scheduling took longer than the lead; raise it');
  const views = await waitForPostsSettled(workers[0]!, cookie, ids, 10 * 60_000);
  const delays = fakeX.posts
    .all(me.userId)
    .map((p) => p.createdAt - scheduled.get(p.text)!)
    .sort((a, b) => a - b);
  console.log(
    `schedule-delay: ${count} posts, ${stepMs} ms apart, two processes (pg-boss); delay = X received − scheduledAt`,
  );
  console.log(
    JSON.stringify(
      {
        published: views.filter((v) => v.status === 'published').length,
        postsAtX: delays.length,
        p50Ms: quantile(delays, 0.5),
        p95Ms: quantile(delays, 0.95),
        maxMs: delays.at(-1),
        minMs: delays[0],
        early: delays.filter((d) => d < 0).length,
      },
      null,
      2,
    ),
  );
} finally {
  await stopPerchProcesses(workers);
  await fakeX.close();
  await database.drop();
}

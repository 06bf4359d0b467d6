/**
 * Two Perch server processes (`src/index.ts`, as `pnpm start` runs it) on one fresh PostgreSQL database and the
 * fake X. Every user asks both of them for a sync at the same moment: each user's run happens once (one
 * SearchTimeline per user on the fake X), and no interaction or notification is stored twice. When X rotates its
 * query ids, the two processes learn the new ones with one discovery between them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '@perch/server/modules/secrets/keyring.ts';
import { startFakeX, type FakeX } from '../fake-x/index.ts';
import { waitFor } from './harness.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server');
const adminUrl = process.env.PERCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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

interface Worker {
  name: string;
  child: ChildProcess;
  url: string;
  lines: string[];
}

let fakeX: FakeX;
let admin: postgres.Sql;
let sql: postgres.Sql;
let databaseName: string;
const workers: Worker[] = [];
const sessions = new Map<string, { cookie: string; id: string }>(); // by email

/** Starts `src/index.ts` in its own process and waits until it listens and its job queue runs. */
async function startWorker(name: string, env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { cwd: serverDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const worker: Worker = { name, child, url: '', lines: [] };
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    worker.lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => worker.lines.push(`stderr: ${chunk.toString()}`));
  const logged = (msg: string) => worker.lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; url?: string }) : {})).find((l) => l.msg?.startsWith(msg));
  try {
    await waitFor(`${name} to listen and start its jobs`, async () => child.exitCode === null && logged('jobs started'), 60_000, 50);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${worker.lines.join('\n')}`, { cause: error });
  }
  worker.url = logged('Perch is listening')!.url!;
  return worker;
}

async function call(worker: Worker, method: string, pathname: string, { cookie, bearer, json }: { cookie?: string; bearer?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = { origin: worker.url };
  if (cookie) headers.cookie = cookie;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${worker.url}${pathname}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  if (!res.ok) throw new Error(`${method} ${pathname} on ${worker.name}: ${res.status} ${await res.text()}`);
  return res;
}

/** Signs a user up through one process and connects their X account the way the extension does. */
async function connect(worker: Worker, user: (typeof users)[number]) {
  const signUp = await call(worker, 'POST', '/api/v1/auth/sign-up', { json: { email: user.email, password: 'correct horse battery' } });
  const cookie = signUp.headers.get('set-cookie')!.split(';')[0]!;
  const { user: me } = (await signUp.json()) as { user: { id: string } };
  const { code } = (await (await call(worker, 'POST', '/api/v1/pairing-codes', { cookie, json: {} })).json()) as { code: string };
  const { deviceToken } = (await (await call(worker, 'POST', '/api/v1/devices', { json: { code, deviceName: 'Test Chrome' } })).json()) as { deviceToken: string };
  await call(worker, 'PUT', '/api/v1/x/cookies', { bearer: deviceToken, json: { authToken: user.authToken, ct0: user.ct0 } });
  for (const contact of [alice, bob]) await call(worker, 'POST', '/api/v1/contacts', { cookie, json: { name: contact.name, xHandle: contact.screenName } });
  sessions.set(user.email, { cookie, id: me.id });
}

/** Every user asks both processes for a sync at the same moment, then all runs are waited for. */
async function syncEveryoneFromBothAtOnce() {
  await Promise.all(users.flatMap((u) => workers.map((w) => call(w, 'POST', '/api/v1/x/sync', { cookie: sessions.get(u.email)!.cookie, json: {} }))));
  await waitFor('every user’s run to finish', async () => {
    const rows = await sql<{ status: string }[]>`select last_result->>'status' as status from x_sync_state`;
    return rows.length === users.length && rows.every((r) => r.status === 'finished');
  }, 60_000, 100);
}

const searchesPerUser = () =>
  Object.fromEntries(users.map((u) => [u.screenName, fakeX.requests.filter((r) => r.operation === 'SearchTimeline' && r.variables.rawQuery === `@${u.screenName}`).length]));
const perUser = (n: number) => Object.fromEntries(users.map((u) => [u.screenName, n]));
/** Mention syncs each process logged since line `since` of its log, by Perch user id. */
const mentionRunsSince = (since: number[]) =>
  workers.flatMap((w, i) => w.lines.slice(since[i]).filter((l) => l.includes('"msg":"x sync done"') && l.includes('"sync":"mentions"')).map((l) => ({ worker: w.name, userId: (JSON.parse(l) as { userId: string }).userId })));
const logMarks = () => workers.map((w) => w.lines.length);

beforeAll(async () => {
  admin = postgres(adminUrl, { onnotice: () => {}, max: 1 });
  databaseName = `perch_two_workers_${randomBytes(5).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${databaseName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;

  fakeX = await startFakeX();
  for (const account of [...users, alice, bob]) fakeX.addAccount(account);
  const env = {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url.toString(), PERCH_SECRET_KEYS: generateKeyEntry(),
    PERCH_X_ORIGIN: fakeX.url, PERCH_X_API_ORIGIN: fakeX.url, PERCH_X_TIMEOUT_MS: '5000', PERCH_ALLOW_SIGNUP: 'true', LOG_LEVEL: 'info',
  };
  // both at once on the empty database, as two servers started together would
  workers.push(...(await Promise.all([startWorker('worker A', env), startWorker('worker B', env)])));
  sql = postgres(url.toString(), { onnotice: () => {}, max: 2 });
}, 120_000);

afterAll(async () => {
  for (const { child } of workers) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(workers.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)));
  await sql?.end();
  await fakeX?.close();
  if (databaseName) await admin.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin?.end();
});

describe('two server processes on one PostgreSQL', () => {
  it('run each user’s sync once when both are asked at the same moment, and store nothing twice', { timeout: 180_000 }, async () => {
    // users sign up on either process; a new contact's handle is refreshed through the shared queue
    for (const [i, user] of users.entries()) await connect(workers[i % 2]!, user);
    await waitFor('every contact’s first bio', async () => (await sql`select 1 from contacts where bio is not null`).length === users.length * 2, 60_000, 100);
    for (const user of users) {
      fakeX.addTweets([
        { id: nextId(), by: 'alice', text: `@${user.screenName} hello` },
        { id: nextId(), by: 'bob', text: `@${user.screenName} hi` },
        { id: nextId(), by: 'alice', text: `@${user.screenName} again` },
      ]);
      const theirs = nextId();
      fakeX.addTweets([{ id: theirs, by: 'alice', text: 'a thought' }, { id: nextId(), by: user.screenName, text: '@alice agreed', inReplyTo: { id: theirs, screenName: 'alice' } }]);
    }
    fakeX.requests.length = 0;

    let marks = logMarks();
    await syncEveryoneFromBothAtOnce();
    const firstRound = mentionRunsSince(marks);
    expect(firstRound.map((r) => r.userId).sort()).toEqual(users.map((u) => sessions.get(u.email)!.id).sort()); // one run per user
    // a first run reads the page of mentions and X's empty page after it: two requests, not four
    expect(searchesPerUser()).toEqual(perUser(2));
    const interactionCounts = await sql<{ email: string; kind: string; rows: number; distinct_ids: number }[]>`
      select u.email, i.kind, count(*)::int as rows, count(distinct i.x_id)::int as distinct_ids
      from interactions i join users u on u.id = i.user_id group by u.email, i.kind order by u.email, i.kind`;
    expect(interactionCounts).toEqual(users.flatMap((u) => [
      { email: u.email, kind: 'mention_in', rows: 3, distinct_ids: 3 },
      { email: u.email, kind: 'reply_out', rows: 1, distinct_ids: 1 },
    ]));
    expect(await sql`select 1 from notifications`).toHaveLength(0); // first bios are silent, nothing failed

    // alice changes her bio: every user hears of it once, however many processes looked
    fakeX.addAccount({ ...alice, bio: 'Now at Perch' });
    fakeX.requests.length = 0;
    marks = logMarks();
    await syncEveryoneFromBothAtOnce();
    const secondRound = mentionRunsSince(marks);
    expect(secondRound.map((r) => r.userId).sort()).toEqual(users.map((u) => sessions.get(u.email)!.id).sort());
    expect(searchesPerUser()).toEqual(perUser(1)); // incremental: one request per user
    expect(fakeX.requests.filter((r) => r.operation === 'UserByScreenName' && r.variables.screen_name === 'alice')).toHaveLength(users.length);
    const notes = await sql<{ email: string; kind: string; rows: number }[]>`
      select u.email, n.kind, count(*)::int as rows from notifications n join users u on u.id = n.user_id group by u.email, n.kind order by u.email`;
    expect(notes).toEqual(users.map((u) => ({ email: u.email, kind: 'bio_change', rows: 1 })));
    expect((await sql`select 1 from interactions where kind = 'bio_change'`).length).toBe(users.length);

    // X rotates its query ids: both processes meet the stale ids, one of them asks x.com's bundles, and every
    // user's run goes on with the new ids, found once for all of them in the shared database
    fakeX.rotateQueryIds();
    for (const user of users) fakeX.addTweets([{ id: nextId(), by: 'bob', text: `@${user.screenName} after the rotation` }]);
    fakeX.requests.length = 0;
    marks = logMarks();
    await syncEveryoneFromBothAtOnce();
    const thirdRound = mentionRunsSince(marks);
    expect(thirdRound).toHaveLength(users.length);
    const bundleReads = fakeX.requests.filter((r) => r.path.startsWith('/responsive-web/'));
    expect(new Set(bundleReads.map((r) => r.path)).size).toBe(bundleReads.length); // each bundle read once: one discovery
    expect(bundleReads.length).toBeGreaterThan(0);
    // a stale id costs at most one 404 per process before the new ids are known (the other process reads them)
    expect(fakeX.requests.filter((r) => r.status === 404 && r.operation !== null).length).toBeLessThanOrEqual(workers.length);
    expect(await sql<{ rows: number }[]>`select count(*)::int as rows from interactions where text like '%after the rotation'`).toEqual([{ rows: users.length }]);
    const states = await sql<{ state: string }[]>`select state from x_connections`;
    expect(states.every((r) => r.state === 'connected')).toBe(true);

    const runsBy = Object.fromEntries(workers.map((w) => [w.name, [...firstRound, ...secondRound, ...thirdRound].filter((r) => r.worker === w.name).length]));
    console.log(`user runs per process over both rounds: ${JSON.stringify(runsBy)}`);
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
  });
});

/**
 * Issue 9, item 9: a dead worker's run is taken over within a minute. Two real Perch processes (`src/index.ts`)
 * on a throwaway PostgreSQL database and the fake X (e2e/perch-processes.ts, as two-workers.test.ts starts them).
 * One user with BENCH_WORKER_KILL_CONTACTS contacts (default 25) is connected and synced once; then, each round:
 * every contact changes their bio and a few new mentions arrive, the fake X turns slow (every request answered
 * after BENCH_WORKER_KILL_DELAY_MS, default 1000 ms, so the bio pass takes about contacts × delay), Sync now is
 * asked, and once the run is `running` with a few contacts done, the process that holds it (the one that logged
 * this round's mentions pass) is SIGKILLed. GET /api/v1/x/sync on the survivor is then polled every 250 ms.
 *
 * Prints, per round and the max over rounds: seconds from the kill to the run taken over (progress.tookOverAt
 * set, as seen by the poll, and tookOverAt itself) and to contactsDone moving past where the dead run stopped,
 * seconds to the run finished, duplicates (interaction rows beyond one per mention id and one bio change per
 * contact and bio; notifications likewise), profile lookups beyond one per contact (contacts checked twice),
 * and the waitingFor sentences seen between kill and takeover. The killed process is started again for the
 * next round. A round gives up after 3 minutes. Sizes: Perch keeps to the profile-lookup budget the fake reports
 * (150 per 15 minutes per account), and the whole bench looks each contact up rounds + 2 times in one window, so
 * the run is made long by the delay, not by more contacts. BENCH_WORKER_KILL_ROUNDS (default 3). Needs PostgreSQL at
 * PERCH_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; trust auth).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startFakeX, type FakeX } from '../fake-x/index.ts';
import { waitFor } from '../e2e/harness.ts';
import {
  callPerch,
  connectXUser,
  createThrowawayDatabase,
  perchProcessEnv,
  startPerchProcess,
  stopPerchProcesses,
  type PerchProcess,
} from '../e2e/perch-processes.ts';

const contactCount = Number(process.env.BENCH_WORKER_KILL_CONTACTS ?? 25);
const delayMs = Number(process.env.BENCH_WORKER_KILL_DELAY_MS ?? 1000);
const rounds = Number(process.env.BENCH_WORKER_KILL_ROUNDS ?? 3);
const roundLimitMs = 3 * 60_000;
const pollMs = 250;
/** Kill once the bio pass has checked this many contacts: mid-run, with work saved and work left. */
const killAfterContacts = 5;

const me = {
  authToken: 'workerkillauth0token0a1b2c3d4e5f6071829',
  ct0: 'workerkillct0value0aaaabbbbccccdddd',
  userId: '8300',
  screenName: 'perch_kill',
  name: 'Kill',
  email: 'kill@example.com',
};
const contacts = Array.from({ length: contactCount }, (_, i) => ({
  userId: String(8400 + i),
  screenName: `kc${String(i).padStart(4, '0')}`,
  name: `Contact ${i}`,
}));
let tweetNo = 0;
const nextId = () => String(1_930_000_000_000_000_000n + BigInt(++tweetNo));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

interface Progress {
  status: string;
  contactsDone: number;
  contactsTotal: number;
  heartbeatAt?: string | null;
  tookOverAt?: string | null;
  error: string | null;
}
interface SyncAnswer {
  progress: Progress | null;
  waitingFor: string | null;
}

function setBios(fakeX: FakeX, round: number) {
  for (const c of contacts) fakeX.addAccount({ ...c, bio: `round ${round} bio of ${c.name}` });
}

const dataDirs: string[] = [];
function processEnv(base: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-worker-kill-'));
  dataDirs.push(dataDir);
  return { ...base, PERCH_DATA_DIR: dataDir };
}

const database = await createThrowawayDatabase('perch_worker_kill');
const fakeX = await startFakeX();
const sql = postgres(database.url, { onnotice: () => {}, max: 2 });
const everyProcess: PerchProcess[] = [];
const results: Record<string, unknown>[] = [];
try {
  fakeX.addAccount(me);
  setBios(fakeX, 0);
  const base = perchProcessEnv(database.url, fakeX);
  const workers = await Promise.all([
    startPerchProcess('A', processEnv(base)),
    startPerchProcess('B', processEnv(base)),
  ]);
  everyProcess.push(...workers);
  const session = await connectXUser(workers[0], me, contacts);
  const syncAnswer = async (worker: PerchProcess) =>
    (await (
      await callPerch(worker, 'GET', '/api/v1/x/sync', { cookie: session.cookie })
    ).json()) as SyncAnswer;
  // each new contact's first bio is a job of its own: let them all be done, so none runs during a round
  await waitFor(
    'every contact’s first bio',
    async () =>
      (
        await sql`select 1 from pgboss.job where name = 'x-sync.contact' and state in ('created', 'retry', 'active')`
      ).length === 0,
    300_000,
    500,
  );
  // a first, whole run (mentions cursor, a finished bios round), fast
  await callPerch(workers[1], 'POST', '/api/v1/x/sync', { cookie: session.cookie, json: {} });
  await waitFor(
    'the first run to finish',
    async () => (await syncAnswer(workers[1])).progress?.status === 'finished',
    120_000,
    pollMs,
  );

  for (let round = 1; round <= rounds; round += 1) {
    fakeX.reset(); // mode ok, requests cleared
    setBios(fakeX, round);
    fakeX.addTweets(
      Array.from({ length: 10 }, (_, i) => ({
        id: nextId(),
        by: contacts[i]!.screenName,
        text: `@${me.screenName} round ${round} note ${i}`,
      })),
    );
    fakeX.setMode('slow', { delayMs });
    const marks = workers.map((w) => w.lines.length);
    const roundStarted = Date.now();
    const deadline = roundStarted + roundLimitMs;
    const result: Record<string, unknown> = { round };
    results.push(result);
    try {
      await callPerch(workers[round % 2]!, 'POST', '/api/v1/x/sync', {
        cookie: session.cookie,
        json: {},
      });
      let seen: SyncAnswer | null = null;
      const atKill = await waitFor(
        'the run to be running with a few contacts done',
        async () => {
          const { progress } = (seen = await syncAnswer(workers[0]));
          return (
            progress?.status === 'running' && progress.contactsDone >= killAfterContacts && progress
          );
        },
        roundLimitMs,
        pollMs,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; last seen ${JSON.stringify(seen)}`);
      });
      // the run's mentions pass logged on the process that holds it
      const holderIndex = workers.findIndex((w, i) =>
        w.lines
          .slice(marks[i])
          .some((l) => l.includes('"msg":"x sync done"') && l.includes('"sync":"mentions"')),
      );
      if (holderIndex < 0) throw new Error('no process logged this round’s mentions pass');
      const holder = workers[holderIndex]!;
      const survivor = workers[1 - holderIndex]!;
      const active = await sql<
        { n: number }[]
      >`select count(*)::int as n from pgboss.job where name = 'x-sync.run' and state = 'active'`;
      holder.child.kill('SIGKILL');
      const killedAt = Date.now();
      const killedContactsDone = atKill.contactsDone;
      Object.assign(result, {
        killed: holder.name,
        survivor: survivor.name,
        activeRunJobsAtKill: active[0]!.n,
        contactsDoneAtKill: killedContactsDone,
        contactsTotal: atKill.contactsTotal,
      });

      const sentences = new Map<string, string>(); // by shape (numbers and times blanked) → first seen
      let takenOverSeenAt: number | null = null;
      let tookOverAt: string | null = null;
      let movingAt: number | null = null;
      let finished: Progress | null = null;
      let lastBeforeTakeover: string | null = null;
      while (Date.now() < deadline) {
        const { progress, waitingFor } = await syncAnswer(survivor).catch(
          () => ({ progress: null, waitingFor: null }) as SyncAnswer,
        );
        if (waitingFor && !progress?.tookOverAt && takenOverSeenAt === null) {
          const shape = waitingFor
            .replace(/\d\d:\d\d UTC/g, 'HH:MM UTC')
            .replace(/\d+ s ago/g, 'N s ago');
          if (!sentences.has(shape))
            sentences.set(
              shape,
              `${seconds(Date.now() - killedAt)} s after the kill: ${waitingFor}`,
            );
          lastBeforeTakeover = `${seconds(Date.now() - killedAt)} s after the kill: ${waitingFor}`;
        }
        if (progress?.tookOverAt && takenOverSeenAt === null) {
          takenOverSeenAt = Date.now();
          tookOverAt = progress.tookOverAt;
        }
        if (progress?.tookOverAt && movingAt === null && progress.contactsDone > killedContactsDone)
          movingAt = Date.now();
        if (
          progress?.tookOverAt &&
          (progress.status === 'finished' || progress.status === 'failed')
        ) {
          finished = progress;
          break;
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
      const finishedAt = Date.now();
      const duplicates = await sql<
        {
          mention_rows: number;
          mention_ids: number;
          bio_rows: number;
          bio_distinct: number;
          note_rows: number;
          note_distinct: number;
        }[]
      >`
        select
          (select count(*)::int from interactions where kind <> 'bio_change') as mention_rows,
          (select count(distinct (kind, x_id))::int from interactions where kind <> 'bio_change') as mention_ids,
          (select count(*)::int from interactions where kind = 'bio_change') as bio_rows,
          (select count(distinct (contact_id, text))::int from interactions where kind = 'bio_change') as bio_distinct,
          (select count(*)::int from notifications) as note_rows,
          (select count(distinct (kind, title, body))::int from notifications) as note_distinct`;
      const d = duplicates[0]!;
      const lookups = fakeX.requests.filter(
        (r) => r.operation === 'UserByScreenName' && r.status === 200,
      );
      Object.assign(result, {
        takenOverAfterSeconds:
          takenOverSeenAt === null ? null : seconds(takenOverSeenAt - killedAt),
        tookOverAtAfterKillSeconds:
          tookOverAt === null ? null : seconds(Date.parse(tookOverAt) - killedAt),
        contactsMovingAfterSeconds: movingAt === null ? null : seconds(movingAt - killedAt),
        finishedAfterSeconds: finished ? seconds(finishedAt - killedAt) : null,
        finalStatus: finished?.status ?? 'not finished within 3 minutes',
        finalError: finished?.error ?? null,
        contactsDoneAtEnd: finished?.contactsDone ?? null,
        duplicateInteractions: d.mention_rows - d.mention_ids + (d.bio_rows - d.bio_distinct),
        interactions: {
          mentionRows: d.mention_rows,
          distinctMentionIds: d.mention_ids,
          bioChangeRows: d.bio_rows,
          distinctBioChanges: d.bio_distinct,
          expectedBioChanges: contactCount * round,
        },
        duplicateNotifications: d.note_rows - d.note_distinct,
        contactsLookedUpTwice:
          lookups.length - new Set(lookups.map((r) => String(r.variables.screen_name))).size,
        waitingForSeen: [...sentences.values()],
        lastWaitingForBeforeTakeover: lastBeforeTakeover,
      });
      // the killed process comes back for the next round
      fakeX.setMode('ok');
      if (round < rounds) {
        const again = await startPerchProcess(holder.name, processEnv(base));
        everyProcess.push(again);
        workers[holderIndex] = again;
      }
    } catch (error) {
      result.error = (error as Error).message.split('\n')[0];
      break;
    } finally {
      console.log(JSON.stringify(result));
    }
  }
} finally {
  await stopPerchProcesses(everyProcess);
  await sql.end();
  await fakeX.close();
  await database.drop();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
}

const max = (key: string) => {
  const values = results.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
  return values.length === results.length && values.length > 0 ? Math.max(...values) : null;
};
console.log(
  JSON.stringify(
    {
      bench:
        'worker-kill: SIGKILL the process running a sync; the other takes it over (issue 9, item 9)',
      contacts: contactCount,
      fakeXDelayMs: delayMs,
      rounds: results.length,
      maxTakenOverAfterSeconds: max('takenOverAfterSeconds'),
      maxContactsMovingAfterSeconds: max('contactsMovingAfterSeconds'),
      maxFinishedAfterSeconds: max('finishedAfterSeconds'),
      totalDuplicateInteractions: results.reduce(
        (s, r) => s + (Number(r.duplicateInteractions) || 0),
        0,
      ),
      goal: { takenOverWithinSeconds: 60, duplicates: 0 },
    },
    null,
    2,
  ),
);
const failed = results.some(
  (r) =>
    r.error ||
    r.finalStatus !== 'finished' ||
    Number(r.takenOverAfterSeconds ?? Infinity) > 60 ||
    Number(r.duplicateInteractions) > 0,
);
if (failed || results.length < rounds) process.exitCode = 1;

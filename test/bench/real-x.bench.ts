/**
 * Perch's real cookie syncs against the fake X in strict mode (test/fake-x/README.md) with X's real budgets
 * (SearchTimeline 50, UserTweets 50, UserByScreenName 95 per 15 minutes, per account), on a simulated clock
 * shared by Perch (deps `now`) and the fake (`now`). Whenever a sync says X's budget for this window is spent
 * (`{ ok: false, errorClass: 'rate_limited', paced: true }`, or a skip until `retryAt`), the clock moves on by
 * 15 minutes + 1 s (or to retryAt + 1 s, if that is later) and the sync is asked again. Prints figures only:
 *
 *  (a) mentions imported / available for 100 and for 1,000 new mentions since an existing cursor
 *      (syncMentions until `{ ok: true, complete: true }`), runs and windows needed, duplicates, X's 429s;
 *  (b) a bio sync of 1,000 contacts (syncBios until ok): UserByScreenName requests per contact, avatar
 *      downloads, 15-minute windows, simulated hours until every contact was checked;
 *  (c) one query-id rotation (all three operations) across 10 users on one server, each user's
 *      xSyncRunner.run one after another: the requests the rotation caused (requests of the 10 runs minus
 *      those of the same 10 runs in a second, identical setup without the rotation), with a breakdown into
 *      discovery (x.com pages and bundles), stale-id 404s and retries.
 *
 * Runs under tsx, not vitest: the app is built with createTestApp (server/src/test-utils/app.ts) and connected
 * the way x-sync.test-utils.ts's connectedToFakeX does (sign up, pair, push cookies), without vitest's expect.
 * BENCH_REAL_X_MENTIONS / BENCH_REAL_X_CONTACTS / BENCH_REAL_X_USERS change the sizes (defaults 100,1000 / 1000 / 10).
 */
import os from 'node:os';
import {
  startFakeX,
  type FakeX,
  type FakeXAccount,
  type FakeXRequest,
  type FakeXTweet,
} from '../fake-x/index.ts';
import { createTestApp, fakeXEnv } from '../../server/src/test-utils/app.ts';
import type { SyncOutcome } from '../../server/src/modules/x-sync/x-sync.service.ts';

type App = Awaited<ReturnType<typeof createTestApp>>;
type CookieAccount = Required<Pick<FakeXAccount, 'authToken' | 'ct0'>> & FakeXAccount;

const mentionSizes = (process.env.BENCH_REAL_X_MENTIONS ?? '100,1000').split(',').map(Number);
const contactCount = Number(process.env.BENCH_REAL_X_CONTACTS ?? 1000);
const userCount = Number(process.env.BENCH_REAL_X_USERS ?? 10);
const maxRuns = 60;
const windowMs = 15 * 60_000 + 1_000;
const startClock = Date.UTC(2026, 11, 2, 9, 0, 0);

let clock = startClock;
const now = () => new Date(clock);

// Ids above 2^53, as X's are.
const id = (n: number) => String(1_900_000_000_000_000_000n + BigInt(n));
const cookieAccount = (i: number, screenName: string): CookieAccount => ({
  authToken: `realxauth${i}token0a1b2c3d4e5f60718293a4b5c6d`,
  ct0: `realxct${i}value0aaaabbbbccccddddeeee`,
  userId: String(6000 + i * 100),
  screenName,
  name: screenName,
});
const alice: FakeXAccount = {
  userId: '5001',
  screenName: 'alice',
  name: 'Alice',
  bio: 'Building things',
};
const bob: FakeXAccount = { userId: '5002', screenName: 'bob', name: 'Bob', bio: 'Bob’s bio' };

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const is429 = (r: FakeXRequest) => r.status === 429;
const isPaced = (o: SyncOutcome) =>
  !o.ok && 'errorClass' in o && o.errorClass === 'rate_limited' && o.paced === true;
const isSkippedForLimit = (o: SyncOutcome) =>
  !o.ok && 'skipped' in o && o.skipped === 'rate_limited';
/** x.com pages and the web client's bundles: what a query-id discovery fetches. */
const isDiscovery = (r: FakeXRequest) =>
  r.operation === null &&
  !['/i/api', '/1.1', '/profile_images', '/settings'].some((p) => r.path.startsWith(p));
const isStale404 = (r: FakeXRequest) => r.status === 404 && r.operation !== null;
/** A GraphQL request asked again, with the same variables, right after its operation answered a stale-id 404. */
function retriesAfter404(requests: FakeXRequest[]): number {
  let retries = 0;
  const pending = new Map<string, string>(); // operation → variables of its last 404
  for (const r of requests) {
    if (r.operation === null) continue;
    const variables = JSON.stringify(r.variables);
    if (pending.get(r.operation) === variables) retries += 1;
    pending.delete(r.operation);
    if (isStale404(r)) pending.set(r.operation, variables);
  }
  return retries;
}
const byOperation = (requests: FakeXRequest[]) => {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const key =
      r.operation ?? (r.path.startsWith('/profile_images') ? '/profile_images/…' : r.path);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
};

/** Moves both clocks past X's window (or past what X or Perch said to wait for). */
function waitOut(outcome: SyncOutcome | { resumesAt?: string | null }) {
  const retryAt =
    'retryAt' in outcome && outcome.retryAt
      ? Date.parse(outcome.retryAt)
      : 'resumesAt' in outcome && outcome.resumesAt
        ? Date.parse(outcome.resumesAt)
        : 0;
  clock = Math.max(clock + windowMs, retryAt + 1_000);
}

/** connectedToFakeX without vitest: the app, then for each account a user who signs up, pairs and pushes its cookies. */
async function connect(fakeX: FakeX, users: CookieAccount[], others: FakeXAccount[]) {
  for (const account of [...users, ...others]) fakeX.addAccount(account);
  fakeX.reset();
  const t = await createTestApp({
    env: { ...fakeXEnv(fakeX.url, 10_000), PERCH_ALLOW_SIGNUP: 'true' },
    overrides: { now },
  });
  const userIds: string[] = [];
  for (const [i, account] of users.entries()) {
    const { cookie, user } = await t.signUp(`user${i}@example.com`);
    const res = await t.pushCookies(cookie, { authToken: account.authToken, ct0: account.ct0 });
    const status = await t.deps.xConnection.status(user.id);
    if (status.state !== 'connected' || status.handle !== account.screenName) {
      throw new Error(`connecting @${account.screenName}: ${res.status} ${JSON.stringify(status)}`);
    }
    userIds.push(user.id);
  }
  fakeX.requests.length = 0;
  return { t, userIds };
}

async function withSetup<T>(
  users: CookieAccount[],
  others: FakeXAccount[],
  body: (fakeX: FakeX, t: App, userIds: string[]) => Promise<T>,
): Promise<T> {
  clock = startClock;
  const fakeX = await startFakeX({ strict: true, now: () => clock });
  let t: App | undefined;
  try {
    const connected = await connect(fakeX, users, others);
    t = connected.t;
    return await body(fakeX, t, connected.userIds);
  } finally {
    await t?.close();
    await fakeX.close();
  }
}

// (a) ------------------------------------------------------------------------------------------------------
async function mentions(available: number) {
  const me = cookieAccount(0, 'perch_real');
  return withSetup([me], [alice], async (fakeX, t, [userId]) => {
    const { contact } = await t.deps.contacts.create(userId!, {
      name: 'Alice',
      xHandle: 'alice',
      notes: '',
    });
    const mention = (n: number): FakeXTweet => ({
      id: id(n),
      by: 'alice',
      text: `@perch_real note ${n}`,
    });
    fakeX.addTweets([mention(1)]);
    const first = await t.deps.xSync.syncMentions(userId!);
    if (!first.ok) throw new Error(`first mentions sync: ${JSON.stringify(first)}`);
    const cursorBefore = (await t.deps.xSyncState.get(userId!))?.mentionsCursor;
    fakeX.addTweets(Array.from({ length: available }, (_, i) => mention(2 + i)));
    fakeX.requests.length = 0;
    const started = clock;

    const outcomes: SyncOutcome[] = [];
    let waits = 0;
    while (outcomes.length < maxRuns) {
      const outcome = await t.deps.xSync.syncMentions(userId!);
      outcomes.push(outcome);
      if (outcome.ok && outcome.complete !== false) break;
      if (outcome.ok || isPaced(outcome) || isSkippedForLimit(outcome)) {
        waitOut(outcome);
        waits += 1;
        continue;
      }
      break; // anything else: reported below as the last outcome
    }
    const last = outcomes.at(-1)!;
    const ids = (await t.deps.interactions.timeline(userId!, contact.id))
      .filter((i) => i.kind === 'mention_in')
      .map((i) => i.xId);
    const newIds = ids.filter((x) => x !== id(1));
    const searches = fakeX.requests.filter((r) => r.operation === 'SearchTimeline');
    return {
      mentionsAvailable: available,
      mentionsImported: new Set(newIds).size,
      importedReportedBySyncs: outcomes.reduce(
        (sum, o) => sum + ('imported' in o ? o.imported : 0),
        0,
      ),
      duplicates: ids.length - new Set(ids).size,
      runs: outcomes.length,
      windows: waits + 1,
      simulatedMinutes: round((clock - started) / 60_000, 1),
      complete: last.ok && last.complete !== false,
      lastOutcome: last,
      runOutcomes: outcomes.map((o) =>
        o.ok
          ? `ok imported ${o.imported}${o.complete === false ? ' (incomplete)' : ''}`
          : 'errorClass' in o
            ? `${o.errorClass}${o.paced ? ' paced' : ''} imported ${o.imported}`
            : `skipped ${o.skipped}`,
      ),
      searchTimelineRequests: searches.length,
      x429s: fakeX.requests.filter(is429).length,
      cursor: {
        before: cursorBefore,
        after: (await t.deps.xSyncState.get(userId!))?.mentionsCursor,
        newest: id(1 + available),
      },
      connection: (await t.deps.xConnection.status(userId!)).state,
    };
  });
}

// (b) ------------------------------------------------------------------------------------------------------
async function bios(count: number) {
  const me = cookieAccount(0, 'perch_real');
  const contacts: FakeXAccount[] = Array.from({ length: count }, (_, i) => ({
    userId: String(100_000 + i),
    screenName: `c${String(i).padStart(4, '0')}`,
    name: `Contact ${i}`,
    bio: `bio ${i}`,
  }));
  return withSetup([me], contacts, async (fakeX, t, [userId]) => {
    for (const c of contacts)
      await t.deps.contacts.create(userId!, { name: c.name, xHandle: c.screenName, notes: '' });
    fakeX.requests.length = 0;
    const started = clock;
    const wallStarted = performance.now();
    const outcomes: SyncOutcome[] = [];
    let waits = 0;
    while (outcomes.length < maxRuns) {
      const outcome = await t.deps.xSync.syncBios(userId!);
      outcomes.push(outcome);
      if (outcome.ok) break;
      if (isPaced(outcome) || isSkippedForLimit(outcome)) {
        waitOut(outcome);
        waits += 1;
        continue;
      }
      break;
    }
    const wallMs = performance.now() - wallStarted;
    const last = outcomes.at(-1)!;
    const lookups = fakeX.requests.filter((r) => r.operation === 'UserByScreenName');
    const handles = new Set(
      lookups.filter((r) => r.status === 200).map((r) => String(r.variables.screen_name)),
    );
    const avatars = fakeX.requests.filter((r) => r.path.startsWith('/profile_images'));
    const withBio = (await t.deps.contacts.list(userId!)).filter(
      (c) => c.bio && /^bio \d+$/.test(c.bio),
    ).length;
    return {
      contacts: count,
      userByScreenNameRequests: lookups.length,
      userByScreenNameRequestsPerContact: round(lookups.length / count, 3),
      contactsLookedUp: handles.size,
      contactsWithBioStored: withBio,
      avatarDownloads: avatars.length,
      otherRequests: byOperation(
        fakeX.requests.filter(
          (r) => r.operation !== 'UserByScreenName' && !r.path.startsWith('/profile_images'),
        ),
      ),
      runs: outcomes.length,
      windows: waits + 1,
      simulatedHoursUntilAllChecked: round((clock - started) / 3_600_000, 2),
      lastOutcome: last,
      x429s: fakeX.requests.filter(is429).length,
      wallMs: Math.round(wallMs),
      connection: (await t.deps.xConnection.status(userId!)).state,
    };
  });
}

// (c) ------------------------------------------------------------------------------------------------------
async function runAll(rotate: boolean) {
  const users = Array.from({ length: userCount }, (_, i) => cookieAccount(i, `perch_u${i}`));
  return withSetup(users, [alice, bob], async (fakeX, t, userIds) => {
    // for each user: two contacts, three mentions from Alice, one reply to Bob
    for (const [i, userId] of userIds.entries()) {
      await t.deps.contacts.create(userId, { name: 'Alice', xHandle: 'alice', notes: '' });
      await t.deps.contacts.create(userId, { name: 'Bob', xHandle: 'bob', notes: '' });
      const base = 10_000 * (i + 1);
      fakeX.addTweets([
        ...[1, 2, 3].map((n) => ({
          id: id(base + n),
          by: 'alice',
          text: `@${users[i]!.screenName} hello ${n}`,
        })),
        { id: id(base + 4), by: 'bob', text: 'a thought' },
        {
          id: id(base + 5),
          by: users[i]!.screenName,
          text: '@bob agreed',
          inReplyTo: { id: id(base + 4), screenName: 'bob' },
        },
      ]);
    }
    const idsBefore = fakeX.queryIds;
    if (rotate) fakeX.rotateQueryIds();
    fakeX.requests.length = 0;
    const runs = [];
    for (const userId of userIds) {
      const progress = await t.deps.xSyncRunner.run(userId);
      runs.push({
        status: progress.status,
        error: progress.error,
        resumesAt: progress.resumesAt ?? null,
      });
    }
    const requests = [...fakeX.requests];
    const stale = requests.filter(isStale404);
    const firstDiscoveryAt = requests.findIndex(isDiscovery);
    const states = await Promise.all(
      userIds.map(async (u) => (await t.deps.xConnection.status(u)).state),
    );
    const report = await t.deps.xWebClient.report();
    return {
      requests: requests.length,
      byOperation: byOperation(requests),
      discovery: requests.filter(isDiscovery).length,
      discoveryPaths: [...new Set(requests.filter(isDiscovery).map((r) => r.path))],
      stale404s: stale.length,
      stale404sByOperation: byOperation(stale),
      retries: retriesAfter404(requests),
      x429s: requests.filter(is429).length,
      firstDiscoveryAtRequest: firstDiscoveryAt,
      runsFinished: runs.filter((r) => r.status === 'finished' && !r.error).length,
      runErrors: runs.filter((r) => r.error).map((r) => r.error),
      connections: [...new Set(states)],
      queryIdsRotated: rotate
        ? Object.keys(idsBefore).filter(
            (op) =>
              idsBefore[op as keyof typeof idsBefore] !==
              fakeX.queryIds[op as keyof typeof idsBefore],
          )
        : [],
      webClientAfter: report.operations.map((o) => ({
        operation: o.operation,
        source: o.source,
        current: o.queryId === fakeX.queryIds[o.operation as keyof typeof idsBefore],
      })),
    };
  });
}

async function rotation() {
  const rotated = await runAll(true);
  const baseline = await runAll(false);
  return {
    users: userCount,
    requestsCausedByRotation: rotated.requests - baseline.requests,
    breakdown: {
      discoveryRequests: rotated.discovery - baseline.discovery,
      stale404s: rotated.stale404s - baseline.stale404s,
      /** each stale 404 is asked again once the new id is known: the retry is the request the run sends anyway, so it is not extra */
      retries: rotated.retries - baseline.retries,
      otherExtra:
        rotated.requests -
        baseline.requests -
        (rotated.discovery - baseline.discovery) -
        (rotated.stale404s - baseline.stale404s),
    },
    withRotation: rotated,
    withoutRotation: baseline,
  };
}

const started = performance.now();
const mentionResults = [];
for (const size of mentionSizes) mentionResults.push(await mentions(size));
const bioResult = await bios(contactCount);
const rotationResult = await rotation();
console.log(
  JSON.stringify(
    {
      bench: 'real-x',
      node: process.version,
      cpus: os.cpus().length,
      budgetsPer15Min: { SearchTimeline: 50, UserTweets: 50, UserByScreenName: 95 },
      clockStepOnPacedStop: '15 min + 1 s',
      mentions: mentionResults,
      bios: bioResult,
      queryIdRotation: rotationResult,
      wallMs: Math.round(performance.now() - started),
    },
    null,
    2,
  ),
);

/**
 * Publishing with real Perch processes (`src/index.ts`, pg-boss on PostgreSQL) and the fake X over HTTP, OAuth
 * 1.0a app credentials entered through POST /api/v1/x/app-credentials:
 * - two processes on one database publish each of 12 scheduled posts exactly once;
 * - the process sending a 5-part thread, and the one uploading a 6 MiB video (6 segments), are SIGKILLed midway
 *   (the fake X slowed so the kill lands after part 2 and after a segment or two); another process, and a
 *   restarted one, resume: each part is posted once, chained as replies, and the video goes on with the same X
 *   media id, each segment appended once, posted once.
 *
 * The outbox's and the media's leases are 2 minutes (x-publish.outbox.ts, x-media.service.ts) and a real process
 * cannot be given shorter ones; after the kill the test moves the dead process's lease expiries to now, which is
 * what the clock does two minutes later. Everything else (pg-boss noticing the lost job, the sweep, the
 * reconcile against the account's posts) runs as in production.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../fake-x/index.ts';
import { waitFor } from './harness.ts';
import {
  callPerch,
  connectPublisher,
  createThrowawayDatabase,
  perchProcessEnv,
  pidOfLeaseOwner,
  startPerchProcess,
  stopPerchProcesses,
  uploadMediaFile,
  writeFakeVideo,
  type PerchProcess,
} from './perch-processes.ts';

const user = (i: number, name: string) => ({
  authToken: `publishproc${i}auth0token0a1b2c3d4e5f6071829`,
  ct0: `publishproc${i}ct0value0aaaabbbbccccdddd`,
  userId: String(8600 + i),
  screenName: `perch_${name}`,
  name: `Publisher ${name}`,
  email: `${name}@example.com`,
});
const scheduler = user(0, 'scheduler');
const threader = user(1, 'threader');
const filmer = user(2, 'filmer');

interface PostView {
  id: string;
  status: string;
  parts: { xPostId: string | null; state: string; error: string | null }[];
  attention: { reason: string } | null;
}

let fakeX: FakeX;
let sql: postgres.Sql;
let env: Record<string, string>;
let database: Awaited<ReturnType<typeof createThrowawayDatabase>> | undefined;
const everyProcess: PerchProcess[] = [];
let live: PerchProcess[] = [];
const sessions = new Map<string, { cookie: string; id: string }>();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-publish-processes-'));

const getPost = async (worker: PerchProcess, cookie: string, id: string) =>
  (await (await callPerch(worker, 'GET', `/api/v1/posts/${id}`, { cookie })).json()) as PostView;
const createPost = async (worker: PerchProcess, cookie: string, body: unknown) =>
  (await (
    await callPerch(worker, 'POST', '/api/v1/posts', { cookie, json: body })
  ).json()) as PostView;

beforeAll(async () => {
  database = await createThrowawayDatabase('perch_publish_procs');
  fakeX = await startFakeX();
  for (const u of [scheduler, threader, filmer]) fakeX.addAccount(u);
  env = perchProcessEnv(database.url, fakeX);
  everyProcess.push(
    ...(await Promise.all([startPerchProcess('A', env), startPerchProcess('B', env)])),
  );
  live = [...everyProcess];
  sql = postgres(database.url, { onnotice: () => {}, max: 2 });
  for (const u of [scheduler, threader, filmer])
    sessions.set(u.email, await connectPublisher(live[0]!, fakeX, u));
}, 120_000);

afterAll(async () => {
  await stopPerchProcesses(everyProcess);
  await sql?.end();
  await fakeX?.close();
  await database?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('publishing with two processes on one PostgreSQL', () => {
  it('publishes each of 12 scheduled posts exactly once', { timeout: 90_000 }, async () => {
    const { cookie } = sessions.get(scheduler.email)!;
    const start = Date.now() + 4_000;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const view = await createPost(live[i % 2]!, cookie, {
        action: 'schedule',
        parts: [{ text: `Scheduled post ${i} of 12` }],
        scheduledAt: new Date(start + (i % 4) * 500).toISOString(),
      });
      expect(view.status).toBe('scheduled');
      ids.push(view.id);
    }
    await waitFor(
      'all 12 posts published',
      async () => {
        const views = await Promise.all(ids.map((id) => getPost(live[1]!, cookie, id)));
        return views.every((v) => v.status === 'published') && views;
      },
      60_000,
      250,
    );
    const atX = fakeX.posts.all(scheduler.userId);
    expect(atX.map((p) => p.text).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `Scheduled post ${i} of 12`).sort(),
    );
    expect(fakeX.requestCount('createPosts')).toBe(12);
    const views = await Promise.all(ids.map((id) => getPost(live[0]!, cookie, id)));
    expect(new Set(views.map((v) => v.parts[0]!.xPostId))).toEqual(new Set(atX.map((p) => p.id)));
    const sends = await sql<{ attempts: number }[]>`select attempts from x_post_parts`;
    expect(sends.map((r) => r.attempts)).toEqual(Array(12).fill(1)); // each sent once, by one process
  });

  it(
    'resumes a thread and a video upload whose processes were SIGKILLed midway: each part once, each segment once',
    { timeout: 150_000 },
    async () => {
      fakeX.reset();
      const thread = sessions.get(threader.email)!;
      const film = sessions.get(filmer.email)!;
      const video = path.join(tmp, 'clip.mp4');
      const segments = 6;
      await writeFakeVideo(video, segments * 1024 * 1024 - 1000);
      const videoSha = createHash('sha256').update(fs.readFileSync(video)).digest('hex');
      const mediaId = await uploadMediaFile(live[0]!, film.cookie, video, 'video/mp4');

      fakeX.setMode('slow', { delayMs: 700 });
      const texts = Array.from({ length: 5 }, (_, i) => `Thread part ${i + 1} of 5`);
      const threadPost = await createPost(live[0]!, thread.cookie, {
        action: 'publish_now',
        parts: texts.map((text) => ({ text })),
      });
      await waitFor(
        'part 2 at X',
        async () => fakeX.posts.all(threader.userId).length >= 2,
        60_000,
        20,
      );
      const videoPost = await createPost(live[1]!, film.cookie, {
        action: 'publish_now',
        parts: [{ text: 'A film', mediaIds: [mediaId] }],
      });
      // a segment X confirmed and Perch recorded: the next one is held by the slow fake, the kill drops it
      await waitFor(
        'a segment recorded',
        async () =>
          (await sql`select 1 from x_media where id = ${mediaId} and segments_sent >= 1`).length >
          0,
        60_000,
        20,
      );

      // kill whoever holds the thread's part and the video post's part (one process or both)
      const owners = await sql<{ post_id: string; lease_owner: string }[]>`
        select post_id, lease_owner from x_post_parts where lease_owner is not null and state <> 'published'`;
      const pids = new Set(owners.map((o) => pidOfLeaseOwner(o.lease_owner)));
      expect(owners.map((o) => o.post_id).sort()).toEqual([threadPost.id, videoPost.id].sort());
      const doomed = live.filter((w) => pids.has(w.child.pid!));
      expect(doomed.length).toBeGreaterThan(0);
      for (const w of doomed) w.child.kill('SIGKILL');
      await Promise.all(doomed.map((w) => new Promise((r) => w.child.once('exit', r))));
      const partsAtKill = fakeX.posts.all(threader.userId).length;
      const appendsAtKill = fakeX.requestCount('mediaAppend');
      const [{ x_media_id: xMediaIdAtKill, segments_sent: recordedAtKill }] = await sql<
        { x_media_id: string; segments_sent: number }[]
      >`select x_media_id, segments_sent from x_media where id = ${mediaId}`;
      // a segment X answered whose answer Perch had not recorded when it died is sent again (X replaces it)
      const unrecorded = appendsAtKill - recordedAtKill;
      expect(unrecorded).toBeGreaterThanOrEqual(0);
      expect(unrecorded).toBeLessThanOrEqual(1);
      expect(partsAtKill).toBeGreaterThanOrEqual(2);
      expect(partsAtKill).toBeLessThan(5);
      expect(appendsAtKill).toBeGreaterThanOrEqual(1);
      expect(appendsAtKill).toBeLessThan(segments);
      expect(xMediaIdAtKill).toMatch(/^\d+$/);
      console.log(
        `killed ${doomed.map((w) => w.name).join(', ')} after ${partsAtKill} of 5 parts and ${appendsAtKill} of ${segments} segments (${recordedAtKill} recorded)`,
      );

      // two minutes later, the dead process's leases are over (see the header); a restarted process joins
      await sql`update x_post_parts set lease_expires_at = now() where lease_owner is not null and state <> 'published'`;
      await sql`update x_media set lease_until = now() where lease_owner is not null`;
      fakeX.setMode('ok');
      live = live.filter((w) => !doomed.includes(w));
      const restarted = await startPerchProcess(`${doomed[0]!.name}′`, env);
      everyProcess.push(restarted);
      live.push(restarted);

      const viewer = live[0]!;
      const [threadDone, videoDone] = await waitFor(
        'both posts published after the kill',
        async () => {
          const views = [
            await getPost(viewer, thread.cookie, threadPost.id),
            await getPost(viewer, film.cookie, videoPost.id),
          ];
          if (views.some((v) => v.status === 'needs_attention'))
            throw new Error(`needs attention: ${JSON.stringify(views)}`);
          return views.every((v) => v.status === 'published') && views;
        },
        120_000,
        250,
      );

      // the thread: 5 posts at X, each once, each replying to the one before
      const posted = fakeX.posts
        .all(threader.userId)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      expect(posted.map((p) => p.text)).toEqual(texts);
      expect(posted[0]!.inReplyToId).toBeUndefined();
      for (let i = 1; i < posted.length; i++)
        expect(posted[i]!.inReplyToId).toBe(posted[i - 1]!.id);
      expect(threadDone!.parts.map((p) => p.xPostId)).toEqual(posted.map((p) => p.id));

      // the video: one X upload (the id from before the kill), every segment once and in order, posted once
      expect(fakeX.media.all(filmer.userId).map((m) => m.id)).toEqual([xMediaIdAtKill]);
      expect(fakeX.requestCount('mediaInitialize')).toBe(1);
      expect(fakeX.requestCount('mediaAppend')).toBe(segments + unrecorded);
      const atX = fakeX.media.get(xMediaIdAtKill)!;
      expect(atX.segments.size).toBe(segments);
      expect(atX.sha256).toBe(videoSha);
      const films = fakeX.posts.all(filmer.userId);
      expect(films.map((p) => ({ text: p.text, mediaIds: p.mediaIds }))).toEqual([
        { text: expect.stringContaining('A film'), mediaIds: [xMediaIdAtKill] },
      ]);
      expect(videoDone!.parts[0]!.xPostId).toBe(films[0]!.id);
    },
  );
});

/**
 * ensureOnX over real HTTP against test/fake-x (the write client with OAuth 1.0a app credentials), on a real
 * database. One clock for Perch and the fake: waits (check_after_secs, back-off, leases) move it, not the wall.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import type { Database } from '../../db/client.ts';
import { createLogger } from '../../lib/logger.ts';
import { createTestDatabase } from '../../test-utils/db.ts';
import { users } from '../accounts/accounts.table.ts';
import { xApiBudgets } from '../x-budgets/x-budgets.table.ts';
import { createXApi } from '../x-api-v2/x-api-v2.ts';
import { createXWrite, type XCredential, type XWriteSession } from '../x-api-v2/x-api-v2.write.ts';
import { createXMediaQueries } from './x-media.queries.ts';
import { createXMedia, uploadTuning } from './x-media.service.ts';
import { xMedia } from './x-media.table.ts';

const MiB = 1024 * 1024;
const me = { userId: '6400', screenName: 'perch_media', name: 'Perch Media' };
const oauth1: Extract<XCredential, { kind: 'oauth1' }> = {
  kind: 'oauth1',
  apiKey: 'media-consumer-key',
  apiSecret: 'media-consumer-secret',
  accessToken: `${me.userId}-access-token`,
  accessTokenSecret: 'media-token-secret',
};
const heads = {
  png: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  mp4: Buffer.from('0000002066747970' + '69736f6d00000200', 'hex'),
  gif: Buffer.from('GIF89a'),
};

let clock = Date.now();
let fakeX: FakeX;
let xWrite: ReturnType<typeof createXWrite>;
let database: Database;
let userId: string;

beforeAll(async () => {
  fakeX = await startFakeX({ now: () => clock });
  fakeX.addAccount(me);
  xWrite = createXWrite({ xOrigin: fakeX.url, xApiOrigin: fakeX.url, timeoutMs: 3000 });
});
const app = { clientId: 'perch-media-test', clientSecret: 'perch-media-secret' };
const redirectUri = 'http://perch.test/api/v1/x-dm/callback';

/** An OAuth 2.0 session through the fake's consent page, with the DM scopes only (no media.write). */
async function readOnlyOauth2Session() {
  fakeX.oauth.addClient({ ...app, redirectUris: [redirectUri] });
  fakeX.oauth.setConsent({ userId: me.userId, approve: true });
  const xApi = createXApi({ xOrigin: fakeX.url, xApiOrigin: fakeX.url, timeoutMs: 3000, ...app });
  const { url, codeVerifier } = xApi.authorizeLink(redirectUri, 'state-1', { publishing: false });
  const consent = await fetch(url, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const tokens = await xApi.exchangeCode({ code, codeVerifier, redirectUri });
  return xWrite({ kind: 'oauth2', accessToken: tokens.accessToken });
}
beforeEach(async () => {
  clock = Date.now();
  fakeX.reset();
  fakeX.oauth1.addCredentials({
    consumerKey: oauth1.apiKey,
    consumerSecret: oauth1.apiSecret,
    accessToken: oauth1.accessToken,
    accessTokenSecret: oauth1.accessTokenSecret,
    userId: me.userId,
  });
  // The signatures carry the wall clock's time; the test clock runs ahead of it.
  fakeX.oauth1.setTimestampWindow(365 * 24 * 60 * 60);
  database = await createTestDatabase();
  const [user] = await database.db
    .insert(users)
    .values({ email: 'media@example.com', passwordHash: 'x' })
    .returning();
  userId = user!.id;
});
afterEach(() => database.close());
afterAll(() => fakeX.close());

const quiet = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

/** A Perch process: its own service on the shared database and clock. */
function perch(tuning: Partial<typeof uploadTuning> = {}, realMs = 0) {
  return createXMedia({
    queries: createXMediaQueries({ db: database.db, postgres: database.postgres }),
    logger: quiet,
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
      await new Promise((resolve) => setTimeout(resolve, realMs));
    },
    tuning,
  });
}

async function storeFile(
  service: ReturnType<typeof perch>,
  mimeType: string,
  head: Buffer,
  bytes: number,
  altText = '',
) {
  const data = Buffer.concat([head, randomBytes(bytes - head.length)]);
  const view = await service.store(userId, {
    mimeType,
    fileName: 'file',
    declaredBytes: bytes,
    body: new Blob([data]).stream(),
  });
  if (altText) await service.setAltText(userId, view.id, altText);
  return { id: view.id, sha256: createHash('sha256').update(data).digest('hex') };
}

const row = async (id: string) =>
  (await database.db.select().from(xMedia).where(eq(xMedia.id, id)))[0]!;

/** A session whose append number `after + 1` never answers: the process died there. */
function dyingAfter(session: XWriteSession, after: number): XWriteSession {
  let appends = 0;
  return Object.assign(Object.create(session) as XWriteSession, {
    mediaAppend: (...args: Parameters<XWriteSession['mediaAppend']>) =>
      ++appends > after ? new Promise<never>(() => {}) : session.mediaAppend(...args),
  });
}

/** A session that runs `hook` before its first append (the user editing the media meanwhile). */
function onFirstAppend(session: XWriteSession, hook: () => Promise<unknown>): XWriteSession {
  let first = true;
  return Object.assign(Object.create(session) as XWriteSession, {
    mediaAppend: async (...args: Parameters<XWriteSession['mediaAppend']>) => {
      if (first) await hook();
      first = false;
      return session.mediaAppend(...args);
    },
  });
}

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 500 && !(await check()); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('chunk rows', () => {
  // On PostgreSQL these go by binary COPY (x-media.queries.ts): framing, byte order and refusals are its own.
  it('keep every byte value and the index as written; a chunk of a media gone is refused, not left hanging', async () => {
    const queries = createXMediaQueries({ db: database.db, postgres: database.postgres });
    const row = await queries.create(
      userId,
      { kind: 'image', mimeType: 'image/png', fileName: 'a.png' },
      new Date(clock),
    );
    const bytes = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      randomBytes(64 * 1024),
    ]);
    await queries.putChunk(row.id, 0, bytes);
    await queries.putChunk(row.id, 70_000, bytes.subarray(0, 3));
    expect((await queries.chunk(row.id, 0))?.equals(bytes)).toBe(true);
    expect((await queries.chunk(row.id, 70_000))?.equals(bytes.subarray(0, 3))).toBe(true);
    expect(await queries.chunkCount(row.id)).toBe(2);
    // drizzle (PGlite) wraps the database's error in its own, with it as the cause
    const refusal = (put: Promise<void>) =>
      put.then(
        () => 'stored',
        (e: Error) => `${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`,
      );
    expect(await refusal(queries.putChunk(row.id, 0, bytes.subarray(0, 3)))).toMatch(
      /duplicate key/,
    );
    await queries.removeById(row.id);
    expect(await refusal(queries.putChunk(row.id, 1, bytes.subarray(0, 3)))).toMatch(/foreign key/);
    expect(await queries.chunkCount(row.id)).toBe(0);
  });
});

describe('ensureOnX', () => {
  it('sends an image as it is, in 1 MiB segments, with its alt text; a second call sends nothing', async () => {
    const service = perch();
    const file = await storeFile(service, 'image/png', heads.png, 2 * MiB + 100, 'A heron');
    const progress: number[] = [];
    const result = await service.ensureOnX(userId, [file.id], xWrite(oauth1), (p) =>
      progress.push(p),
    );
    expect(result.ok).toBe(true);
    const xId = (result as { xMediaIds: string[] }).xMediaIds[0]!;
    const kept = fakeX.media.get(xId)!;
    expect(kept).toMatchObject({
      category: 'tweet_image',
      mediaType: 'image/png',
      totalBytes: 2 * MiB + 100,
      altText: 'A heron',
    });
    // the bytes X got are the file's, each segment once and in order
    expect(kept.sha256).toBe(file.sha256);
    expect([...kept.segments.values()].map((s) => s.size)).toEqual([MiB, MiB, 100]);
    expect(fakeX.requestCount('mediaAppend')).toBe(3);
    expect(fakeX.requestCount('mediaStatus')).toBe(0);
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await service.views(userId, [file.id])).toMatchObject([
      { state: 'ready', progress: 100, error: null },
    ]);
    const budget = await database.db
      .select()
      .from(xApiBudgets)
      .where(eq(xApiBudgets.endpoint, 'media_append'));
    expect(budget[0]).toMatchObject({ limit: 1875, resetGuessed: false });

    const again = await service.ensureOnX(userId, [file.id], xWrite(oauth1));
    expect(again).toEqual({ ok: true, xMediaIds: [xId] });
    expect(fakeX.requestCount('mediaInitialize')).toBe(1);
    expect(fakeX.requestCount('mediaAppend')).toBe(3);
    // a new alt text is sent on its own
    await service.setAltText(userId, file.id, 'A grey heron');
    expect(await service.ensureOnX(userId, [file.id], xWrite(oauth1))).toEqual(again);
    expect(fakeX.media.get(xId)!.altText).toBe('A grey heron');
    expect(fakeX.requestCount('mediaAppend')).toBe(3);
  });

  it('waits for a video’s processing as check_after_secs says, over several STATUS polls', async () => {
    fakeX.media.setProcessing({ polls: 3, checkAfterSecs: 7 });
    const service = perch();
    const gif = await storeFile(service, 'image/gif', heads.gif, 1000);
    const video = await storeFile(service, 'video/mp4', heads.mp4, 3 * MiB);
    const started = clock;
    const progress: number[] = [];
    const result = await service.ensureOnX(userId, [video.id, gif.id], xWrite(oauth1), (p) =>
      progress.push(p),
    );
    expect(result.ok).toBe(true);
    const [videoX, gifX] = (result as { xMediaIds: string[] }).xMediaIds;
    expect(fakeX.media.get(videoX!)).toMatchObject({ category: 'tweet_video', state: 'succeeded' });
    expect(fakeX.media.get(gifX!)).toMatchObject({ category: 'tweet_gif', state: 'succeeded' });
    expect(fakeX.media.get(videoX!)!.statusPolls).toBeGreaterThanOrEqual(3);
    expect(clock - started).toBeGreaterThanOrEqual(2 * 3 * 7_000);
    expect(progress.at(-1)).toBe(100);
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
  });

  it('gives up polling after the cap, keeping the upload, and goes on polling the same media id later', async () => {
    // 14 polls a minute apart: more than the 10-minute cap of one call, fewer than two calls' worth
    fakeX.media.setProcessing({ polls: 14, checkAfterSecs: 60 });
    const service = perch();
    const video = await storeFile(service, 'video/mp4', heads.mp4, 1000);
    const first = await service.ensureOnX(userId, [video.id], xWrite(oauth1));
    expect(first).toMatchObject({ ok: false, retryable: true, mediaId: video.id });
    expect((first as { reason: string }).reason).toMatch(
      /still processing the video after 10 minutes/,
    );
    expect((await row(video.id)).state).toBe('processing');
    const statusBefore = fakeX.requestCount('mediaStatus');
    const second = await service.ensureOnX(userId, [video.id], xWrite(oauth1));
    expect(second).toEqual({ ok: true, xMediaIds: [(await row(video.id)).xMediaId] });
    expect(fakeX.requestCount('mediaInitialize')).toBe(1);
    expect(fakeX.requestCount('mediaFinalize')).toBe(1);
    expect(fakeX.requestCount('mediaStatus')).toBeGreaterThan(statusBefore);
  });

  it('a video whose processing fails comes back with X’s reason', async () => {
    fakeX.media.setProcessing({
      polls: 1,
      checkAfterSecs: 1,
      outcome: { code: 3, name: 'InvalidMedia', message: 'Video longer than 140 seconds' },
    });
    const service = perch();
    const video = await storeFile(service, 'video/mp4', heads.mp4, 5000);
    const result = await service.ensureOnX(userId, [video.id], xWrite(oauth1));
    expect(result).toEqual({
      ok: false,
      retryable: false,
      mediaId: video.id,
      reason: 'X could not process the video: Video longer than 140 seconds',
    });
    expect(await service.views(userId, [video.id])).toMatchObject([
      { state: 'failed', error: 'X could not process the video: Video longer than 140 seconds' },
    ]);
  });

  it('retries a failed segment (a 500, a dropped connection), each segment kept once', async () => {
    const service = perch();
    const video = await storeFile(service, 'video/mp4', heads.mp4, 3 * MiB + 5);
    fakeX.faults.inject('append-500');
    fakeX.faults.inject('append-drop');
    fakeX.media.setProcessing({ polls: 0 });
    const result = await service.ensureOnX(userId, [video.id], xWrite(oauth1));
    expect(result.ok).toBe(true);
    expect(fakeX.faults.hits.map((h) => h.kind)).toEqual(['append-500', 'append-drop']);
    expect(fakeX.requestCount('mediaAppend')).toBe(4 + 2);
    const xId = (result as { xMediaIds: string[] }).xMediaIds[0]!;
    expect(fakeX.media.get(xId)!.sha256).toBe(video.sha256);
  });

  it('a finalize whose answer was lost: STATUS tells X has it, and it is not refused as finalized twice', async () => {
    const service = perch();
    const video = await storeFile(service, 'video/mp4', heads.mp4, 2 * MiB);
    fakeX.faults.inject('drop-after-create', { endpoint: 'mediaFinalize' });
    fakeX.media.setProcessing({ polls: 1, checkAfterSecs: 1 });
    const result = await service.ensureOnX(userId, [video.id], xWrite(oauth1));
    expect(result.ok).toBe(true);
    expect(fakeX.faults.hits.map((h) => h.endpoint)).toEqual(['mediaFinalize']);
    const xId = (result as { xMediaIds: string[] }).xMediaIds[0]!;
    expect(fakeX.media.get(xId)!.sha256).toBe(video.sha256);
    expect(await row(video.id)).toMatchObject({ state: 'ready', error: null });
  });

  it('a killed upload resumes with the same media id, each segment sent once', async () => {
    const first = perch();
    const video = await storeFile(first, 'video/mp4', heads.mp4, 5 * MiB);
    fakeX.media.setProcessing({ polls: 1, checkAfterSecs: 1 });
    void first.ensureOnX(userId, [video.id], dyingAfter(xWrite(oauth1), 2));
    await until(async () => (await row(video.id)).segmentsSent === 2);
    const stopped = await row(video.id);
    expect(stopped).toMatchObject({ state: 'uploading', segmentsSent: 2, progress: 34 });

    // Another process, once the dead one's lease has run out.
    clock += uploadTuning.leaseMs + 1000;
    const second = perch();
    const result = await second.ensureOnX(userId, [video.id], xWrite(oauth1));
    expect(result).toEqual({ ok: true, xMediaIds: [stopped.xMediaId] });
    expect(fakeX.requestCount('mediaInitialize')).toBe(1);
    expect(fakeX.requestCount('mediaAppend')).toBe(5);
    expect(fakeX.media.get(stopped.xMediaId!)!.sha256).toBe(video.sha256);
  });

  it('an upload X has dropped (expired) starts over with a new media id', async () => {
    fakeX.media.setExpiry(600);
    fakeX.media.setProcessing({ polls: 0 });
    const first = perch();
    const video = await storeFile(first, 'video/mp4', heads.mp4, 4 * MiB);
    void first.ensureOnX(userId, [video.id], dyingAfter(xWrite(oauth1), 2));
    await until(async () => (await row(video.id)).segmentsSent === 2);
    const stopped = await row(video.id);
    expect(stopped.xExpiresAt!.getTime()).toBeLessThanOrEqual(clock + 600_000);

    clock += 700_000;
    const result = await perch().ensureOnX(userId, [video.id], xWrite(oauth1));
    expect(result.ok).toBe(true);
    const xId = (result as { xMediaIds: string[] }).xMediaIds[0]!;
    expect(xId).not.toBe(stopped.xMediaId);
    expect(fakeX.requestCount('mediaInitialize')).toBe(2);
    expect(fakeX.requestCount('mediaAppend')).toBe(2 + 4);
    expect(fakeX.media.get(xId)!.sha256).toBe(video.sha256);
  });

  it('sends the alt text as edited during the upload; a media deleted during it stops with a sentence', async () => {
    const service = perch();
    const image = await storeFile(service, 'image/png', heads.png, 2 * MiB, 'first words');
    const edited = await service.ensureOnX(
      userId,
      [image.id],
      onFirstAppend(xWrite(oauth1), () => service.setAltText(userId, image.id, 'second words')),
    );
    expect(edited.ok).toBe(true);
    expect(fakeX.media.get((edited as { xMediaIds: string[] }).xMediaIds[0]!)!.altText).toBe(
      'second words',
    );
    expect(fakeX.requestCount('mediaMetadata')).toBe(1);

    const gone = await storeFile(service, 'image/png', heads.png, 2 * MiB);
    const result = await service.ensureOnX(
      userId,
      [gone.id],
      onFirstAppend(xWrite(oauth1), () => service.remove(userId, gone.id)),
    );
    expect(result).toEqual({
      ok: false,
      retryable: false,
      mediaId: gone.id,
      reason: 'A media of this post was deleted from Perch; add it again.',
    });
  });

  it('two processes asked at once for one media send it once', async () => {
    const a = perch({ waitMs: 100 }, 5);
    const b = perch({ waitMs: 100 }, 5);
    const image = await storeFile(a, 'image/jpeg', Buffer.from('ffd8ffe0', 'hex'), 3 * MiB);
    const [ra, rb] = await Promise.all([
      a.ensureOnX(userId, [image.id], xWrite(oauth1)),
      b.ensureOnX(userId, [image.id], xWrite(oauth1)),
    ]);
    expect(ra.ok && rb.ok).toBe(true);
    expect(ra).toEqual(rb);
    expect(fakeX.requestCount('mediaInitialize')).toBe(1);
    expect(fakeX.requestCount('mediaAppend')).toBe(3);
    expect((await row(image.id)).leaseOwner).toBeNull();
  });

  it('a session that cannot upload media is told before any request; a spent budget waits for its reset', async () => {
    const service = perch();
    const image = await storeFile(service, 'image/png', heads.png, 1000);
    const refused = await service.ensureOnX(userId, [image.id], xWrite(oauth1), undefined, {
      canUploadMedia: false,
    });
    expect(refused).toMatchObject({ ok: false, retryable: false, mediaId: image.id });
    expect((refused as { reason: string }).reason).toMatch(/media\.write/);
    expect(fakeX.requestCount('mediaInitialize')).toBe(0);

    // Told only by X's 403 (a session nobody asked about): the same sentence, nothing retried.
    const scopeless = await service.ensureOnX(userId, [image.id], await readOnlyOauth2Session());
    expect(scopeless).toEqual({ ...refused, reason: expect.stringMatching(/media\.write/) });
    expect((scopeless as { retryable: boolean }).retryable).toBe(false);
    expect(fakeX.requestCount('mediaInitialize')).toBe(1);

    const resetAt = new Date(clock + 5 * 60_000);
    await database.db
      .insert(xApiBudgets)
      .values({ userId, endpoint: 'media_initialize', limit: 1875, remaining: 0, resetAt })
      .onConflictDoUpdate({
        target: [xApiBudgets.userId, xApiBudgets.endpoint],
        set: { remaining: 0, resetAt, resetGuessed: false },
      });
    const waiting = await service.ensureOnX(userId, [image.id], xWrite(oauth1));
    expect(waiting).toMatchObject({ ok: false, retryable: true, waitUntil: resetAt });
    expect(fakeX.requestCount('mediaInitialize')).toBe(1);

    const unknown = await service.ensureOnX(
      userId,
      [image.id, '00000000-0000-4000-8000-000000000000'],
      xWrite(oauth1),
    );
    expect(unknown).toMatchObject({ ok: false, retryable: false });
    expect(fakeX.requestCount('mediaInitialize')).toBe(1);
  });
});

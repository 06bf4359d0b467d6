/**
 * Media for posts: stored in Perch as it arrives (1 MiB rows in x_media_chunks, never whole in memory), sent to X
 * when a post needs it (initialize → append segments → finalize → STATUS → metadata), resumably and once.
 *
 * - One uploader per media across processes: a lease on the row (x-media.table.ts), taken atomically and renewed
 *   at every step. A second caller waits for the lease and then finds the media ready (nothing sent twice).
 * - A crashed or timed-out upload resumes with the same X media id while X keeps it (xExpiresAt), from the
 *   segments X confirmed (segmentsSent). A segment X confirmed but whose confirmation was not saved before a crash
 *   is sent again under the same index, which X overwrites. An expired upload starts over.
 * - STATUS is asked as X's check_after_secs says (1–60 s), for at most `processingCapMs` (10 minutes) per call:
 *   a media X never finishes must not hold a publishing job for ever (twitter-api-v2 polls without a cap,
 *   plhery#483); X processes a 512 MB video in a few minutes, and a later call goes on polling the same media id.
 * - Every request takes one from the user's budget at that endpoint first (x-budgets), fed by X's headers.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { MediaKind, MediaView } from '@perch/shared';
import { mediaFileProblem, mediaKindOf, mediaMaxBytes } from '@perch/shared/post-rules';
import type { Logger } from '../../lib/logger.ts';
import { errorSummary } from '../../lib/logger.ts';
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import type {
  XAnswer,
  XMediaCategory,
  XMediaProcessing,
  XWriteSession,
} from '../x-api-v2/x-api-v2.write.ts';
import type {
  EnsureOnXOptions,
  MediaOnXResult,
  StoredMediaInfo,
  XMediaForPublishing,
} from './x-media.contract.ts';
import { xMediaProblems } from './x-media.errors.ts';
import { cleanFileName, magicProblem, sniffBytes } from './x-media.files.ts';
import type { XMediaQueries, XMediaRow, XMediaUploadPatch } from './x-media.queries.ts';
import { mediaChunkBytes } from './x-media.table.ts';

export const categoryOf: Record<MediaKind, XMediaCategory> = {
  image: 'tweet_image',
  gif: 'tweet_gif',
  video: 'tweet_video',
};

/** X's media endpoints, as Perch names them in x_api_budgets, with the 15-minute defaults until X's headers say. */
export const mediaBudgets = {
  media_initialize: 1875,
  media_append: 1875,
  media_finalize: 1875,
  media_status: 1875,
  media_metadata: 500,
} as const;
export type MediaEndpoint = keyof typeof mediaBudgets;
const windowMs = 15 * 60_000;
const dayMs = 24 * 60 * 60_000;
/** X's 24-hour user budget is not documented for media; a large default until its headers say. */
const dayDefault = 100_000;

export const uploadTuning = {
  /** How long a lease outlives the step it was renewed for; a stopped process's media is free after this. */
  leaseMs: 2 * 60_000,
  /** How often a caller waiting for another process's upload looks again. */
  waitMs: 1_000,
  /** Attempts of one request that failed for X not answering (a 5xx, a timeout, a lost connection). */
  attempts: 4,
  backoffMs: [1_000, 4_000, 10_000],
  processingCapMs: 10 * 60_000,
  /** An upload X would drop within this is started over rather than resumed. */
  expiryMarginMs: 60_000,
};

export interface XMediaDeps {
  queries: XMediaQueries;
  logger: Logger;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  tuning?: Partial<typeof uploadTuning>;
}

export type XMediaService = ReturnType<typeof createXMedia>;

/** The X side of a media row, cleared: the next upload starts with a new media id. */
const forgetX: XMediaUploadPatch = {
  xMediaId: null,
  xMediaKey: null,
  xExpiresAt: null,
  segmentsSent: 0,
  finalizedAt: null,
  altTextSent: null,
  checkAfter: null,
  processingSince: null,
  state: 'stored',
  progress: 0,
  error: null,
};

type Failure = Extract<MediaOnXResult, { ok: false }>;
class Stop extends Error {
  constructor(readonly failure: Failure) {
    super(failure.reason);
  }
}

export function toMediaView(row: XMediaRow): MediaView {
  return {
    id: row.id,
    kind: row.kind,
    mimeType: row.mimeType,
    fileName: row.fileName,
    bytes: row.bytes,
    altText: row.altText,
    state: row.state === 'receiving' ? 'stored' : row.state,
    progress: row.progress,
    error: row.error,
  };
}

function failureOf(error: XApiError): Failure {
  switch (error.kind) {
    case 'rate_limited':
      return {
        ok: false,
        retryable: true,
        reason: 'X asked Perch to wait before uploading more media; it goes on by itself.',
        ...(error.rateLimit ? { waitUntil: error.rateLimit.resetAt } : {}),
      };
    case 'missing_scope':
      return {
        ok: false,
        retryable: false,
        reason:
          'The X connection does not cover uploading media (media.write): turn publishing on again in the settings to extend it, or add the app’s OAuth 1.0a credentials.',
      };
    case 'unauthorized':
      return {
        ok: false,
        retryable: false,
        reason: `X refused the media upload (${error.detail}): the X connection may not cover uploading media (media.write); reconnect X with publishing turned on.`,
      };
    case 'usage_capped':
      return {
        ok: false,
        retryable: true,
        reason: `Your X app has used its ${error.usagePeriod ?? 'monthly'} X API allowance, so X takes no media until it resets.`,
      };
    case 'credits_depleted':
      return {
        ok: false,
        retryable: true,
        reason:
          'Your X app’s prepaid X API credits are spent; add credits in X’s developer portal.',
      };
    case 'client_forbidden':
      return {
        ok: false,
        retryable: false,
        reason:
          'Your X app is not attached to a Project in X’s developer portal, so X refuses media uploads.',
      };
    case 'unavailable':
      return {
        ok: false,
        retryable: true,
        reason: `X is not answering right now (${error.detail}); the upload resumes where it stopped.`,
      };
    default:
      return { ok: false, retryable: false, reason: `X refused the media (${error.detail}).` };
  }
}

export function createXMedia({
  queries,
  logger,
  now,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  tuning: tuningOverrides,
}: XMediaDeps) {
  const log = logger.child({ module: 'x-media' });
  const tuning = { ...uploadTuning, ...tuningOverrides };
  const later = (ms: number) => new Date(now().getTime() + ms);

  /**
   * Stores a file as its body arrives: 1 MiB at a time into chunk rows. Stops reading as soon as the file is
   * over its kind's cap or its first bytes are not its declared type; a refused or broken upload leaves no rows.
   */
  async function store(
    userId: string,
    input: {
      mimeType: string;
      fileName: string | undefined;
      declaredBytes: number | null;
      body: ReadableStream<Uint8Array> | null;
    },
  ): Promise<MediaView> {
    const mimeType = input.mimeType.split(';')[0]!.trim().toLowerCase();
    const kind = mediaKindOf(mimeType);
    if (!kind) throw xMediaProblems.unsupportedType(mediaFileProblem(mimeType, 0)!);
    const cap = mediaMaxBytes[kind];
    if (input.declaredBytes !== null && input.declaredBytes > cap)
      throw xMediaProblems.tooLarge(mediaFileProblem(mimeType, input.declaredBytes)!);
    if (!input.body) throw xMediaProblems.empty();

    await queries.removeAbandoned(later(-60 * 60_000));
    const row = await queries.create(
      userId,
      { kind, mimeType, fileName: cleanFileName(input.fileName) },
      now(),
    );
    const reader = input.body.getReader();
    const hash = createHash('sha256');
    // One buffer for the whole file: putChunk is done with it when it resolves.
    const chunk = Buffer.allocUnsafe(mediaChunkBytes);
    let filled = 0;
    let index = 0;
    let total = 0;
    let checked = false;
    const check = (head: Uint8Array) => {
      checked = true;
      const problem = magicProblem(mimeType, head);
      if (problem) throw xMediaProblems.wrongContents(problem);
    };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > cap) throw xMediaProblems.tooLarge(mediaFileProblem(mimeType, total)!);
        hash.update(value);
        let offset = 0;
        while (offset < value.byteLength) {
          const n = Math.min(value.byteLength - offset, mediaChunkBytes - filled);
          chunk.set(value.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          if (!checked && index === 0 && filled >= sniffBytes) check(chunk.subarray(0, filled));
          if (filled === mediaChunkBytes) {
            await queries.putChunk(row.id, index++, chunk);
            filled = 0;
          }
        }
      }
      if (total === 0) throw xMediaProblems.empty();
      if (!checked) check(chunk.subarray(0, filled));
      if (filled > 0) await queries.putChunk(row.id, index, chunk.subarray(0, filled));
      await queries.markStored(row.id, total, hash.digest('hex'), now());
    } catch (error) {
      await reader.cancel().catch(() => {});
      await queries.removeById(row.id);
      throw error;
    }
    return toMediaView({ ...row, state: 'stored', bytes: total });
  }

  async function view(userId: string, id: string) {
    const [row] = await queries.byIds(userId, [id]);
    return row ? toMediaView(row) : null;
  }

  async function setAltText(userId: string, id: string, altText: string) {
    const row = await queries.setAltText(userId, id, altText, now());
    return row ? toMediaView(row) : null;
  }

  const remove = (userId: string, id: string) => queries.remove(userId, id);

  async function describe(userId: string, mediaIds: string[]) {
    const rows = await queries.byIds(userId, mediaIds);
    return new Map<string, StoredMediaInfo>(
      rows.map((r) => [r.id, { kind: r.kind, mimeType: r.mimeType, bytes: r.bytes }]),
    );
  }

  async function views(userId: string, mediaIds: string[]) {
    const rows = new Map((await queries.byIds(userId, mediaIds)).map((r) => [r.id, r]));
    return mediaIds.flatMap((id) => {
      const row = rows.get(id);
      return row ? [toMediaView(row)] : [];
    });
  }

  /** One request to a media endpoint: budget first (15-minute and 24-hour), retried while X does not answer. */
  async function call<T>(
    userId: string,
    endpoint: MediaEndpoint,
    send: () => Promise<XAnswer<T>>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const at = now();
      if (!(await queries.reserveBudget(userId, endpoint, at, windowMs, mediaBudgets[endpoint])))
        throw new Stop(await budgetStop(userId, endpoint, windowMs));
      if (!(await queries.reserveBudget(userId, `${endpoint}:day`, at, dayMs, dayDefault)))
        throw new Stop(await budgetStop(userId, `${endpoint}:day`, dayMs));
      try {
        const answer = await send();
        await recordLimits(userId, endpoint, answer.limits);
        return answer.data;
      } catch (error) {
        const failure =
          error instanceof XApiError
            ? error
            : new XApiError('unavailable', 'X could not be reached');
        if (failure.rateLimit)
          await queries.recordBudget(userId, endpoint, failure.rateLimit, now());
        if (failure.kind !== 'unavailable' || attempt >= tuning.attempts) throw failure;
        log.info(
          { endpoint, attempt, err: errorSummary(failure) },
          'x media request failed; trying again',
        );
        await sleep(tuning.backoffMs[attempt - 1] ?? tuning.backoffMs.at(-1)!);
      }
    }
  }

  async function recordLimits(
    userId: string,
    endpoint: string,
    limits: XAnswer<unknown>['limits'],
  ) {
    if (limits.window) await queries.recordBudget(userId, endpoint, limits.window, now());
    if (limits.userDay)
      await queries.recordBudget(userId, `${endpoint}:day`, limits.userDay, now());
  }

  async function budgetStop(userId: string, endpoint: string, spanMs: number): Promise<Failure> {
    const row = await queries.budget(userId, endpoint);
    const waitUntil = row?.resetAt ?? later(spanMs);
    return {
      ok: false,
      retryable: true,
      waitUntil,
      reason: `X’s budget for media uploads is spent until ${waitUntil.toISOString().slice(11, 16)} UTC; the upload goes on then.`,
    };
  }

  /** Sends one media to X under a lease (waiting for another process's upload of it to end). */
  async function ensureOne(
    row: XMediaRow,
    session: XWriteSession,
    report: (fraction: number) => void,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; xMediaId: string } | Failure> {
    const owner = randomUUID();
    let held: XMediaRow | null;
    while (!(held = await queries.takeLease(row.id, owner, now(), later(tuning.leaseMs)))) {
      if (signal?.aborted) return stopped();
      await sleep(tuning.waitMs);
    }
    try {
      try {
        return await upload(held, owner, session, report, signal);
      } catch (error) {
        // X no longer knows a media id Perch resumed with (it dropped it before xExpiresAt): start over, once.
        if (!(error instanceof XApiError && error.status === 404 && held.xMediaId)) throw error;
        log.info({ mediaId: row.id }, 'x forgot the media upload; starting over');
        await queries.saveUpload(row.id, owner, forgetX, now(), later(tuning.leaseMs));
        return await upload({ ...held, ...forgetX }, owner, session, report, signal);
      }
    } catch (error) {
      if (error instanceof Stop) return { ...error.failure, mediaId: row.id };
      if (error instanceof XApiError) {
        const failure = { ...failureOf(error), mediaId: row.id };
        await queries.saveUpload(row.id, owner, { error: failure.reason }, now(), now());
        return failure;
      }
      throw error;
    } finally {
      await queries.releaseLease(row.id, owner);
    }
  }

  const tookOver: Failure = {
    ok: false,
    retryable: true,
    reason: 'Another Perch process took over this upload.',
  };
  const deleted: Failure = {
    ok: false,
    retryable: false,
    reason: 'A media of this post was deleted from Perch; add it again.',
  };
  const damaged: Failure = {
    ok: false,
    retryable: false,
    reason: 'A media of this post is incomplete in Perch; add it again.',
  };
  const stopped = (): Failure => ({
    ok: false,
    retryable: true,
    reason: 'Perch stopped before the upload was done; it resumes where it stopped.',
  });

  async function upload(
    start: XMediaRow,
    owner: string,
    session: XWriteSession,
    report: (fraction: number) => void,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; xMediaId: string }> {
    let row = start;
    const save = async (patch: XMediaUploadPatch, stepMs = 0) => {
      if (!(await queries.saveUpload(row.id, owner, patch, now(), later(stepMs + tuning.leaseMs))))
        throw new Stop((await queries.row(row.id)) ? tookOver : deleted);
      row = { ...row, ...patch };
      if (signal?.aborted) throw new Stop(stopped());
    };
    const { userId } = row;
    const segments = Math.ceil(row.bytes / mediaChunkBytes);
    const share = (sent: number, processing: number) =>
      Math.min(
        99,
        Math.floor(85 * (sent / segments) + (row.finalizedAt ? 5 : 0) + processing / 10),
      );
    const alive = () =>
      row.xMediaId !== null &&
      (row.xExpiresAt === null ||
        row.xExpiresAt.getTime() > now().getTime() + tuning.expiryMarginMs);

    // X dropped it (expired) or refused its processing (the user retries): start over with a new media id.
    if (row.state === 'failed' || (row.xMediaId && !alive())) await save(forgetX);

    if (!(row.state === 'ready' && alive())) {
      if (!row.xMediaId) {
        const created = await call(userId, 'media_initialize', () =>
          session.mediaInitialize({
            mediaType: row.mimeType,
            totalBytes: row.bytes,
            category: categoryOf[row.kind],
          }),
        );
        await save({
          xMediaId: created.mediaId,
          xMediaKey: created.mediaKey,
          xExpiresAt:
            created.expiresAfterSecs !== null ? later(created.expiresAfterSecs * 1000) : null,
          segmentsSent: 0,
          state: 'uploading',
          progress: 0,
          error: null,
        });
      }
      const mediaId = row.xMediaId!;
      if (row.state !== 'uploading' && !row.finalizedAt) await save({ state: 'uploading' });
      for (let index = row.segmentsSent; index < segments; index++) {
        const data = await queries.chunk(row.id, index);
        if (!data) throw new Stop((await queries.row(row.id)) ? damaged : deleted);
        const appended = await call(userId, 'media_append', () =>
          session.mediaAppend(mediaId, index, data),
        );
        const progress = share(index + 1, 0);
        await save({
          segmentsSent: index + 1,
          progress,
          ...(appended.expiresAt ? { xExpiresAt: appended.expiresAt } : {}),
        });
        report(progress / 100);
      }

      let processing: XMediaProcessing;
      if (!row.finalizedAt) {
        processing = await call(userId, 'media_finalize', () => session.mediaFinalize(mediaId));
        await save({ finalizedAt: now(), processingSince: now(), state: 'processing' });
      } else {
        processing = await call(userId, 'media_status', () => session.mediaStatus(mediaId));
      }
      const pollingUntil = now().getTime() + tuning.processingCapMs;
      while (processing.state === 'pending' || processing.state === 'in_progress') {
        const waitMs = Math.min(60, Math.max(1, processing.checkAfterSecs ?? 5)) * 1000;
        const progress = share(segments, processing.progressPercent ?? 0);
        report(progress / 100);
        if (now().getTime() + waitMs > pollingUntil) {
          await save({ state: 'processing', progress });
          throw new Stop({
            ok: false,
            retryable: true,
            reason: `X is still processing the ${row.kind} after ${tuning.processingCapMs / 60_000} minutes; Perch asks again later.`,
          });
        }
        await save({ state: 'processing', progress, checkAfter: later(waitMs) }, waitMs);
        await sleep(waitMs);
        processing = await call(userId, 'media_status', () => session.mediaStatus(mediaId));
      }
      if (processing.state === 'failed') {
        const reason = processing.error
          ? `X could not process the ${row.kind}: ${processing.error}`
          : `X could not process the ${row.kind}.`;
        await save({ state: 'failed', error: reason });
        throw new Stop({ ok: false, retryable: false, reason });
      }
      await save({ state: 'ready', checkAfter: null });
    }

    // read again: the user may have edited the alt text while the file was on its way
    const altText = (await queries.row(row.id))?.altText ?? row.altText;
    if (altText !== '' && altText !== row.altTextSent) {
      await call(userId, 'media_metadata', () => session.mediaMetadata(row.xMediaId!, altText));
      await save({ altTextSent: altText });
    }
    await save({ state: 'ready', progress: 100, error: null });
    report(1);
    return { ok: true, xMediaId: row.xMediaId! };
  }

  async function ensureOnX(
    userId: string,
    mediaIds: string[],
    session: XWriteSession,
    onProgress?: (percent: number) => void,
    options: EnsureOnXOptions = {},
  ): Promise<MediaOnXResult> {
    const found = new Map((await queries.byIds(userId, mediaIds)).map((r) => [r.id, r]));
    const missing = mediaIds.find((id) => !found.has(id));
    if (missing)
      return {
        ok: false,
        retryable: false,
        mediaId: missing,
        reason: 'A media of this post is no longer in Perch; add it again.',
      };
    if (options.canUploadMedia === false)
      return {
        ok: false,
        retryable: false,
        mediaId: mediaIds[0],
        reason:
          'The X connection does not cover uploading media (media.write): turn publishing on again in the settings to extend it, or add the app’s OAuth 1.0a credentials.',
      };
    const rows = mediaIds.map((id) => found.get(id)!);
    const totalBytes = rows.reduce((sum, r) => sum + r.bytes, 0) || 1;
    let doneBytes = 0;
    let last = -1;
    const xMediaIds: string[] = [];
    for (const row of rows) {
      const result = await ensureOne(
        row,
        session,
        (fraction) => {
          const percent = Math.floor((100 * (doneBytes + fraction * row.bytes)) / totalBytes);
          if (percent !== last) onProgress?.((last = percent));
        },
        options.signal,
      );
      if (!result.ok) return result;
      doneBytes += row.bytes;
      xMediaIds.push(result.xMediaId);
    }
    return { ok: true, xMediaIds };
  }

  const publishing: XMediaForPublishing = { describe, views, ensureOnX };
  return { ...publishing, ensureOnX, store, view, setAltText, remove };
}

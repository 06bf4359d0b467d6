import { createHash, type Hash } from 'node:crypto';
import { invalidRequest, v2Json, type ParameterError } from './problems.ts';
import type { MediaForPosts } from './posts.ts';
import type { FakeReply } from './replies.ts';
import { invalidJson, parseJson, type WriteRequest } from './write-api.ts';

// X's chunked media upload (/2/media/upload/initialize → append → finalize → STATUS) and
// /2/media/metadata. The fake keeps each segment's size and sha256 and a running sha256 of the whole
// (segments appended in order), never the bytes: a 200 MB video costs nothing to hold.

export type FakeXProcessingError = { code: number; name: string; message: string };

export interface FakeXProcessing {
  /** STATUS polls that answer pending / in_progress before the outcome (default 3). */
  polls: number;
  /** check_after_secs in each answer (default 1). */
  checkAfterSecs: number;
  /** Default 'succeeded'. */
  outcome: 'succeeded' | FakeXProcessingError;
}

/** One upload as the fake keeps it (fakeX.media.get). */
export interface FakeXMedia {
  id: string;
  mediaKey: string;
  ownerId: string;
  additionalOwners: string[];
  mediaType: string;
  category: string;
  totalBytes: number;
  /** Bytes appended so far (the last copy of each segment). */
  appendedBytes: number;
  segments: Map<number, { size: number; sha256: string }>;
  /** sha256 (hex) of the bytes as appended, when every segment came once and in order. */
  sha256?: string;
  createdAt: number;
  expiresAt: number;
  state: 'uploading' | 'pending' | 'in_progress' | 'succeeded' | 'failed';
  pollsLeft: number;
  processing: FakeXProcessing;
  altText?: string;
  statusPolls: number;
}

export const defaultChunkLimitBytes = 4 * 1024 * 1024;
export const defaultExpiresAfterSecs = 24 * 60 * 60;
const defaultFailure: FakeXProcessingError = {
  code: 1,
  name: 'InvalidMedia',
  message: 'Unsupported video format',
};
// x-write-side.md §1 "Size caps": image 5 MB, GIF 15 MB, video 512 MB.
const sizeCaps = { image: 5 * 1024 * 1024, gif: 15 * 1024 * 1024, video: 512 * 1024 * 1024 };

export interface MediaStore extends MediaForPosts {
  get(id: string): FakeXMedia | undefined;
  all(userId?: string): FakeXMedia[];
  setProcessing(processing: Partial<FakeXProcessing>): void;
  /** Overrides one upload's outcome (before it has finished processing). */
  setOutcome(id: string, outcome: FakeXProcessing['outcome']): void;
  setExpiry(seconds: number): void;
  chunkLimitBytes: number;
  initialize(request: WriteRequest, userId: string): FakeReply;
  append(id: string, request: WriteRequest, userId: string): FakeReply;
  finalize(id: string, request: WriteRequest, userId: string): FakeReply;
  status(request: WriteRequest, userId: string): FakeReply;
  metadata(request: WriteRequest, userId: string): FakeReply;
  reset(): void;
}

const kindOf = (m: { mediaType: string; category: string }) => {
  if (m.mediaType === 'image/gif' && m.category.endsWith('_gif')) return 'gif' as const;
  if (m.mediaType.startsWith('image/')) return 'image' as const;
  if (m.mediaType.startsWith('video/')) return 'video' as const;
  return 'other' as const;
};

const needsProcessing = (m: FakeXMedia) => kindOf(m) === 'gif' || kindOf(m) === 'video';

const notFound = (id: string): FakeReply => ({
  status: 404,
  body: {
    title: 'Not Found Error',
    detail: `Could not find media with id: [${id}].`,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
    resource_type: 'media',
    resource_id: id,
    parameter: 'id',
    value: id,
  },
  contentType: 'application/problem+json',
});

const bad = (message: string, parameter?: string, value?: unknown) =>
  invalidRequest([
    {
      parameters: parameter ? { [parameter]: value === undefined ? [] : [String(value)] } : {},
      message,
    },
  ]);

export function createMediaStore(): MediaStore {
  const uploads = new Map<string, FakeXMedia>();
  const hashes = new Map<string, { hash: Hash; next: number }>();
  let nextId = 1_900_000_000_000_000_000n;
  let processing: FakeXProcessing = { polls: 3, checkAfterSecs: 1, outcome: 'succeeded' };
  let expiresAfterSecs = defaultExpiresAfterSecs;

  /** The upload if it exists, is not expired and this user may touch it. */
  function find(id: string, userId: string, now: number): FakeXMedia | undefined {
    const m = uploads.get(id);
    if (!m || m.expiresAt <= now) return undefined;
    if (m.ownerId !== userId && !m.additionalOwners.includes(userId)) return undefined;
    return m;
  }

  function describe(m: FakeXMedia, now: number, withProcessing: boolean) {
    const data: Record<string, unknown> = {
      id: m.id,
      media_key: m.mediaKey,
      size: m.totalBytes,
      expires_after_secs: Math.max(0, Math.floor((m.expiresAt - now) / 1000)),
    };
    if (kindOf(m) === 'image') data.image = { image_type: m.mediaType, w: 1200, h: 675 };
    if (kindOf(m) === 'video') data.video = { video_type: m.mediaType };
    if (withProcessing && needsProcessing(m)) {
      const info: Record<string, unknown> = { state: m.state };
      if (m.state === 'pending' || m.state === 'in_progress')
        info.check_after_secs = m.processing.checkAfterSecs;
      if (m.state !== 'pending') info.progress_percent = progressOf(m);
      if (m.state === 'failed')
        info.error = m.processing.outcome === 'succeeded' ? defaultFailure : m.processing.outcome;
      data.processing_info = info;
    }
    return data;
  }

  const progressOf = (m: FakeXMedia) => {
    if (m.state === 'succeeded' || m.state === 'failed') return 100;
    const total = Math.max(1, m.processing.polls);
    return Math.min(99, Math.floor(((total - m.pollsLeft) / total) * 100));
  };

  return {
    chunkLimitBytes: defaultChunkLimitBytes,
    get: (id) => uploads.get(id),
    all: (userId) => [...uploads.values()].filter((m) => !userId || m.ownerId === userId),
    setProcessing(next) {
      processing = { ...processing, ...next };
    },
    setOutcome(id, outcome) {
      const m = uploads.get(id);
      if (!m) throw new Error(`fake X: no media ${id}`);
      m.processing = { ...m.processing, outcome };
    },
    setExpiry(seconds) {
      expiresAfterSecs = seconds;
    },
    reset() {
      uploads.clear();
      hashes.clear();
      processing = { polls: 3, checkAfterSecs: 1, outcome: 'succeeded' };
      expiresAfterSecs = defaultExpiresAfterSecs;
      this.chunkLimitBytes = defaultChunkLimitBytes;
    },

    usable(mediaId, userId, now) {
      const m = find(mediaId, userId, now);
      if (!m || m.state !== 'succeeded' || m.category.startsWith('dm_')) return undefined;
      return { kind: kindOf(m), mediaKey: m.mediaKey };
    },

    initialize(request, userId) {
      const parsed = parseJson(request.body);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null)
        return invalidJson();
      const body = parsed.value as {
        media_type?: string;
        total_bytes?: number;
        media_category?: string;
        additional_owners?: string[];
      };
      const errors: ParameterError[] = [];
      const allowed = [
        'media_type',
        'total_bytes',
        'media_category',
        'additional_owners',
        'shared',
      ];
      for (const key of Object.keys(body))
        if (!allowed.includes(key))
          errors.push({
            parameters: {},
            message: `$.${key}: is not defined in the schema and the schema does not allow additional properties`,
          });
      if (!body.media_type)
        errors.push({ parameters: { media_type: [] }, message: '$.media_type: is missing' });
      if (!Number.isInteger(body.total_bytes) || (body.total_bytes ?? -1) < 0)
        errors.push({ parameters: { total_bytes: [] }, message: '$.total_bytes: is missing' });
      if (errors.length > 0) return invalidRequest(errors);
      const mediaType = body.media_type!;
      const category =
        body.media_category ??
        (mediaType === 'image/gif'
          ? 'tweet_gif'
          : mediaType.startsWith('video/')
            ? 'tweet_video'
            : 'tweet_image');
      const kind = kindOf({ mediaType, category });
      const cap = kind === 'other' ? Infinity : sizeCaps[kind];
      if (body.total_bytes! > cap)
        return bad(
          `total_bytes [${body.total_bytes}] is larger than the ${kind} limit of ${cap} bytes.`,
          'total_bytes',
          body.total_bytes,
        );
      const id = (nextId++).toString();
      const media: FakeXMedia = {
        id,
        mediaKey: `${kind === 'video' ? 7 : kind === 'gif' ? 16 : 3}_${id}`,
        ownerId: userId,
        additionalOwners: [...(body.additional_owners ?? [])],
        mediaType,
        category,
        totalBytes: body.total_bytes!,
        appendedBytes: 0,
        segments: new Map(),
        createdAt: request.now,
        expiresAt: request.now + expiresAfterSecs * 1000,
        state: 'uploading',
        pollsLeft: processing.polls,
        processing: { ...processing },
        statusPolls: 0,
      };
      uploads.set(id, media);
      hashes.set(id, { hash: createHash('sha256'), next: 0 });
      return v2Json(200, {
        data: { id, media_key: media.mediaKey, expires_after_secs: expiresAfterSecs },
      });
    },

    append(id, request, userId) {
      const m = find(id, userId, request.now);
      if (!m) return notFound(id);
      if (m.state !== 'uploading') return bad('The upload is already finalized.', 'id', id);
      const chunk = readAppend(request);
      if ('error' in chunk) return chunk.error;
      const { segmentIndex, bytes } = chunk;
      const previous = m.segments.get(segmentIndex);
      const appended = m.appendedBytes - (previous?.size ?? 0) + bytes.length;
      if (appended > m.totalBytes)
        return bad(
          `Appended bytes [${appended}] exceed total_bytes [${m.totalBytes}].`,
          'segment_index',
          segmentIndex,
        );
      m.appendedBytes = appended;
      m.segments.set(segmentIndex, {
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      const running = hashes.get(id);
      if (running && !previous && segmentIndex === running.next) {
        running.hash.update(bytes);
        running.next += 1;
      } else hashes.delete(id);
      return v2Json(200, { data: { expires_at: Math.floor(m.expiresAt / 1000) } });
    },

    finalize(id, request, userId) {
      // X refuses a finalize without a body; `{}` is taken (trypost's client).
      if (request.body.length === 0)
        return bad('Request body is missing: send {} to finalize.', 'id', id);
      const m = find(id, userId, request.now);
      if (!m) return notFound(id);
      if (m.state === 'uploading') {
        if (m.appendedBytes !== m.totalBytes)
          return bad(
            `File size mismatch: appended [${m.appendedBytes}] bytes, total_bytes is [${m.totalBytes}].`,
            'id',
            id,
          );
        const running = hashes.get(id);
        if (running && running.next === m.segments.size) m.sha256 = running.hash.digest('hex');
        hashes.delete(id);
        m.state = needsProcessing(m) ? 'pending' : 'succeeded';
      }
      return v2Json(200, { data: describe(m, request.now, true) });
    },

    status(request, userId) {
      const q = request.url.searchParams;
      const id = q.get('media_id') ?? '';
      if (q.get('command') !== null && q.get('command') !== 'STATUS')
        return bad(
          `The \`command\` query parameter value [${q.get('command')}] is not one of [STATUS]`,
          'command',
          q.get('command'),
        );
      if (!/^[0-9]{1,19}$/.test(id))
        return bad(
          `The \`media_id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`,
          'media_id',
          id,
        );
      const m = find(id, userId, request.now);
      if (!m) return notFound(id);
      m.statusPolls += 1;
      if (m.state === 'pending' || m.state === 'in_progress') {
        if (m.pollsLeft > 0) {
          m.pollsLeft -= 1;
          m.state = 'in_progress';
        } else m.state = m.processing.outcome === 'succeeded' ? 'succeeded' : 'failed';
      }
      return v2Json(200, { data: describe(m, request.now, true) });
    },

    metadata(request, userId) {
      const parsed = parseJson(request.body);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null)
        return invalidJson();
      const body = parsed.value as { id?: string; metadata?: { alt_text?: { text?: string } } };
      if (typeof body.id !== 'string' || !/^[0-9]{1,19}$/.test(body.id))
        return bad('$.id: is missing or does not match ^[0-9]{1,19}$', 'id', body.id);
      const text = body.metadata?.alt_text?.text;
      if (text !== undefined && (typeof text !== 'string' || [...text].length > 1000))
        return bad(
          '$.metadata.alt_text.text: must be at most 1000 characters long',
          'metadata.alt_text.text',
        );
      const m = find(body.id, userId, request.now);
      if (!m) return notFound(body.id);
      if (text !== undefined) m.altText = text;
      return v2Json(200, {
        data: { id: m.id, associated_metadata: body.metadata ?? {} },
      });
    },
  };
}

/** The segment of an append: multipart (`media` file + `segment_index`) or JSON (base64 `media`). */
function readAppend(
  request: WriteRequest,
): { segmentIndex: number; bytes: Buffer } | { error: FakeReply } {
  const contentType = request.headers['content-type'] ?? '';
  let media: Buffer | undefined;
  let segment: string | undefined;
  if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    if (!boundary) return { error: bad('Malformed multipart body.') };
    const parts = parseMultipart(request.body, boundary[1] ?? boundary[2]!);
    media = parts.get('media');
    segment = parts.get('segment_index')?.toString('utf8');
  } else {
    const parsed = parseJson(request.body);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null)
      return { error: invalidJson() };
    const body = parsed.value as { media?: unknown; segment_index?: unknown };
    if (typeof body.media === 'string') media = Buffer.from(body.media, 'base64');
    if (body.segment_index !== undefined) segment = String(body.segment_index);
  }
  if (!media) return { error: bad('$.media: is missing', 'media') };
  const segmentIndex = Number(segment);
  if (segment === undefined || !/^[0-9]+$/.test(segment) || segmentIndex > 999)
    return {
      error: bad('$.segment_index: must be an integer from 0 to 999', 'segment_index', segment),
    };
  return { segmentIndex, bytes: media };
}

function parseMultipart(body: Buffer, boundary: string): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const headerStart = start + delimiter.length + 2; // CRLF after the delimiter
    const next = body.indexOf(delimiter, headerStart);
    if (next < 0) break;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd < 0 || headerEnd > next) break;
    const headers = body.subarray(headerStart, headerEnd).toString('utf8');
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name) parts.set(name, body.subarray(headerEnd + 4, next - 2)); // CRLF before the delimiter
    start = next;
  }
  return parts;
}

/**
 * A scripted X for the outbox's own rules: one account's posts in memory, X's answers (limits, duplicate content,
 * replies to unknown posts, a timeline that shows a new post only after `lagMs`) and the fault modes the fake X
 * has (created but the answer lost, 503 before creating, 429, 402). The same cases run against test/fake-x over
 * HTTP in x-publish.fake-x.test.ts.
 */
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import type {
  CreatePostInput,
  XLimits,
  XOwnPost,
  XWriteSession,
} from '../x-api-v2/x-api-v2.write.ts';
import type { PublishSessions } from '../x-credentials/x-credentials.contract.ts';
import type { XMetricsForPublishing, PublishedPost } from '../x-metrics/x-metrics.contract.ts';
import { notConfiguredSessions } from './x-publish.ts';

export type Fault =
  | 'drop-after-create'
  | '503-after-create'
  | 'timeout-after-create'
  | '503-before-create'
  | '429'
  | '402'
  | 'usage-capped'
  | 'reply-too-soon'
  /** The process dies after X created the post (a plain Error: the outbox must not treat it as X's answer). */
  | 'crash-after-create';

export interface ScriptedPost extends XOwnPost {
  visibleAt: number;
}

export function scriptedX({
  now,
  xUserId = '4242',
  lagMs = 0,
  windowLimit = 100,
  windowMs = 15 * 60_000,
  delayMs = 0,
}: {
  now: () => Date;
  xUserId?: string;
  lagMs?: number;
  windowLimit?: number;
  windowMs?: number;
  /** How long X takes to answer a post (so that two workers' sends would overlap). */
  delayMs?: number;
}) {
  const posts: ScriptedPost[] = [];
  const faults: Fault[] = [];
  const calls = { create: 0, ownPosts: 0, refusedForRate: 0 };
  let nextId = 1_800_000_000_000_000_000n;
  let window = { remaining: windowLimit, resetAt: now().getTime() + windowMs };

  function limits(): XLimits {
    if (now().getTime() >= window.resetAt)
      window = { remaining: windowLimit, resetAt: now().getTime() + windowMs };
    return {
      window: { limit: windowLimit, remaining: window.remaining, resetAt: new Date(window.resetAt) },
      userDay: null,
      appDay: null,
    };
  }

  function create(input: CreatePostInput) {
    const id = String(nextId++);
    posts.push({
      id,
      // X shortens links and appends one for the media
      text:
        input.text.replace(/https?:\/\/\S+/g, 'https://t.co/abc').replace(/&/g, '&amp;').trim() +
        (input.mediaIds?.length ? ' https://t.co/media' : ''),
      createdAt: now(),
      replyToId: input.replyToId ?? null,
      quoteOfId: input.quoteOfId ?? null,
      mediaKeys: (input.mediaIds ?? []).map((m) => `3_${m}`),
      visibleAt: now().getTime() + lagMs,
    });
    return id;
  }

  const session: XWriteSession = {
    credential: 'oauth2',
    async me() {
      throw new Error('not scripted');
    },
    async createPost(input) {
      calls.create += 1;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const fault = faults.shift();
      const l = limits();
      if (window.remaining <= 0) {
        calls.refusedForRate += 1;
        throw new XApiError('rate_limited', 'X asked Perch to wait (429)', 429, l.window);
      }
      if (fault === '429') {
        calls.refusedForRate += 1;
        throw new XApiError('rate_limited', 'X asked Perch to wait (429)', 429, {
          ...l.window!,
          remaining: 0,
        });
      }
      if (fault === '402') throw new XApiError('credits_depleted', 'credits spent (402)', 402);
      if (fault === 'usage-capped')
        throw new XApiError('usage_capped', 'usage capped (429)', 429, null, null, 'monthly');
      if (fault === '503-before-create') throw new XApiError('unavailable', 'X answered 503', 503);
      if (fault === 'reply-too-soon')
        throw new XApiError('reply_target_unavailable', 'not visible (403)', 403);
      window.remaining -= 1;
      if (
        posts.some(
          (p) =>
            p.text.replace(/ https:\/\/t\.co\/media$/, '') === input.text.replace(/&/g, '&amp;').trim() &&
            now().getTime() - p.createdAt!.getTime() < 24 * 3600_000,
        )
      )
        throw new XApiError('duplicate_content', 'duplicate content (403)', 403, limits().window);
      if (input.replyToId && !posts.some((p) => p.id === input.replyToId) && !external.has(input.replyToId))
        throw new XApiError('reply_target_unavailable', 'not visible (403)', 403);
      const id = create(input);
      if (fault === 'drop-after-create')
        throw new XApiError('unavailable', 'X could not be reached');
      if (fault === '503-after-create') throw new XApiError('unavailable', 'X answered 503', 503);
      if (fault === 'timeout-after-create')
        throw new XApiError('unavailable', 'X did not answer within 3 s');
      if (fault === 'crash-after-create') throw new Error('the process was killed');
      return { data: { id, text: input.text }, limits: limits() };
    },
    async deletePost() {
      throw new Error('not scripted');
    },
    async ownPosts(id, options) {
      calls.ownPosts += 1;
      if (id !== xUserId) throw new XApiError('bad_request', 'wrong user', 400);
      const t = now().getTime();
      const data = posts
        .filter(
          (p) =>
            p.visibleAt <= t &&
            (!options.startTime || p.createdAt!.getTime() >= options.startTime.getTime()),
        )
        .reverse()
        .map(({ visibleAt: _, ...p }) => p);
      return { data, limits: { window: null, userDay: null, appDay: null } };
    },
    mediaInitialize: notScripted,
    mediaAppend: notScripted,
    mediaFinalize: notScripted,
    mediaStatus: notScripted,
    mediaMetadata: notScripted,
    postMetrics: notScripted,
  };
  const external = new Set<string>();

  const sessions: PublishSessions = {
    session: async () => ({
      ok: true,
      session,
      kind: 'oauth2',
      xUserId,
      handle: 'perch_user',
      canUploadMedia: true,
      maxWeightedLength: 280,
    }),
    status: async () => ({
      ...(await notConfiguredSessions.status('')),
      credential: 'oauth2',
      canPublish: true,
      problem: null,
    }),
  };
  const planned: PublishedPost[] = [];
  const metrics: XMetricsForPublishing = { planSnapshots: async (p) => void planned.push(p) };

  return {
    posts,
    faults,
    calls,
    session,
    sessions,
    metrics,
    planned,
    /** A post of someone else the account may reply to or quote. */
    external,
  };
}

async function notScripted(): Promise<never> {
  throw new Error('not scripted');
}

/** A clock tests move by hand; it starts at the real time so sessions and cookies stay valid. */
export function testClock(start = Date.now()) {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms: number) => void (t += ms),
  };
}

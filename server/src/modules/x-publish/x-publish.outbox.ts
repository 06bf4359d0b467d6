/**
 * The outbox: sends a post's parts to X, each exactly once, across crashes, timeouts and processes.
 *
 * X has no idempotency key, so "once" is built here:
 * - each part is a row before it is sent, and is moved to `sending` (committed) before the POST;
 * - a part is sent only by the worker holding its lease (one UPDATE … WHERE … RETURNING, see claimPart);
 * - whenever the outcome of a POST is in doubt (timeout, lost connection, 5xx: XApiError `unavailable`; X's 403
 *   duplicate content; a part found in `sending`/`unknown` after a crash) the account's own recent posts are read
 *   and matched on text, reply target, quote and media count. Only when the part is not among them is it sent
 *   again. X's timelines lag a new post by a moment, so absence is concluded only after two reads `reconcileWaitMs`
 *   apart (a found post is taken at once);
 * - a thread goes on from the last part X confirmed, each part replying to its parent's X id; X's 403 for a reply
 *   to a post it has not made readable yet is waited out a few times (`parentWaitMs`), then it needs attention.
 */
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { PostStatus } from '@perch/shared';
import { errorSummary, type Logger } from '../../lib/logger.ts';
import { XApiError } from '../x-api-v2/x-api-v2.errors.ts';
import type { CreatePostInput, XOwnPost, XWriteSession } from '../x-api-v2/x-api-v2.write.ts';
import type { PublishSessions } from '../x-credentials/x-credentials.contract.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { XMediaForPublishing } from '../x-media/x-media.contract.ts';
import type { XMetricsForPublishing } from '../x-metrics/x-metrics.contract.ts';
import { appKeyOf, type PostingBudgets } from './x-publish.budget.ts';
import type { PartRow, PostRow, XPublishQueries } from './x-publish.queries.ts';
import { xPostUrl } from './x-publish.views.ts';

export interface OutboxOptions {
  /** How long a worker holds a part; renewed at every step. A worker that died loses it after this. */
  leaseMs: number;
  /** Between the two reads of the account's posts before a part is taken to be absent at X. */
  reconcileWaitMs: number;
  /** Between tries of a reply whose parent X does not let be replied to yet (403). */
  parentWaitMs: number;
  parentTries: number;
  /**
   * After a part of a thread is confirmed, how long before its reply is sent: X refuses a reply to a post it has
   * only just made (403, "not visible yet") and every refused try spends one of the 100 posts per 15 minutes — a
   * 10-part thread cost 19 POSTs without this wait, 10 with it. The 403 is still waited out if it comes.
   */
  replySettleMs: number;
  /** Sends of one part whose answer was lost, before it needs attention (each after a reconcile found nothing). */
  maxSends: number;
}

export const defaultOutboxOptions: OutboxOptions = {
  leaseMs: 2 * 60_000,
  reconcileWaitMs: 3_000,
  parentWaitMs: 2_000,
  parentTries: 5,
  replySettleMs: 1_500,
  maxSends: 3,
};

export type PublishOutcome =
  | { kind: 'published' }
  | { kind: 'waiting'; until: Date }
  | { kind: 'needs_attention' }
  | { kind: 'skipped'; why: string };

export interface OutboxDeps {
  publishQueries: XPublishQueries;
  budgets: PostingBudgets;
  sessions: PublishSessions;
  media: XMediaForPublishing;
  metrics: XMetricsForPublishing;
  interactions: InteractionsService;
  /** Perch's OAuth 2.0 client (X_CLIENT_ID): the X app of every OAuth 2.0 user, for its 24-hour window. */
  xClientId?: string;
  /** Queues the post's job again at `at` (when a window opens). */
  sendLater: (postId: string, at: Date) => Promise<unknown>;
  logger: Logger;
  now: () => Date;
  options?: Partial<OutboxOptions>;
  /** Who this worker is, in lease rows; default: host, pid and a random part (two deps in one process differ). */
  workerId?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The part's identity at X: the account, what it says and shows, where it hangs. */
export function outboxKey(input: {
  xUserId: string;
  text: string;
  mediaIds: string[];
  replyToId: string | null;
  quoteOfId: string | null;
  poll: unknown;
}) {
  return createHash('sha256')
    .update(
      JSON.stringify([
        input.xUserId,
        input.text,
        input.mediaIds,
        input.replyToId,
        input.quoteOfId,
        input.poll ?? null,
      ]),
    )
    .digest('hex');
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

/**
 * Text as X gives it back, reduced to what survives X's handling: X shortens every URL to t.co and appends one
 * for attached media, escapes &, < and >, and trims. URLs are left out on both sides; the rest must be equal.
 */
export const normaliseText = (text: string) =>
  text
    .replace(/&(amp|lt|gt|quot);/g, (e) => entities[e]!)
    .replace(/https?:\/\/\S+/g, ' ')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();

export function matchOwnPost(
  posts: XOwnPost[],
  want: { text: string; replyToId: string | null; quoteOfId: string | null; mediaCount: number },
  taken: Set<string>,
) {
  const text = normaliseText(want.text);
  return (
    posts.find(
      (p) =>
        !taken.has(p.id) &&
        normaliseText(p.text) === text &&
        (p.replyToId ?? null) === want.replyToId &&
        (p.quoteOfId ?? null) === want.quoteOfId &&
        p.mediaKeys.length === want.mediaCount,
    ) ?? null
  );
}

const isDuplicate = (e: XApiError) => e.kind === 'duplicate_content';

const sentences = {
  duplicateUnknown:
    'X refuses this text as a duplicate of one of your recent posts, and Perch cannot find that post among yours. Change the text and try again.',
  duplicateOurs: 'You published this exact post with Perch already; X refuses to post it twice.',
  usageCapped:
    'The X app has used up its X API usage cap, so X takes no posts from it until the cap resets. Retry once it has (or raise the cap in X’s developer portal).',
  creditsDepleted:
    'The X app’s prepaid credits are spent, so X takes no posts from it. Add credits in X’s developer portal, then retry.',
  lostAnswers:
    'X did not answer several times, and the post is not among your posts on X. Retry when X is reachable again.',
  parentNotReady: 'X does not let this part reply to the one before it yet. Retry in a minute.',
  targetGone:
    'X says the post this replies to is deleted or not visible to your account. Change what it replies to.',
  cannotRead:
    'Perch could not read your posts on X to check whether this part went out; it tries again shortly.',
} as const;

const windowNames = {
  window: 'X’s 15-minute limit on posts',
  userDay: 'X’s 24-hour limit on posts for your account',
  appDay: 'X’s 24-hour limit on posts for the X app',
  reads: 'X’s 15-minute limit on reading your posts (to check what went out)',
} as const;

function timeIn(date: Date, timeZone: string) {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(deps: OutboxDeps) {
  const { publishQueries: q, budgets, sessions, media, metrics, interactions, now } = deps;
  const options = { ...defaultOutboxOptions, ...deps.options };
  const workerId = deps.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = deps.logger.child({ module: 'x-publish' });
  const leaseUntil = () => new Date(now().getTime() + options.leaseMs);

  /**
   * One run of a post's job. Its lease owner is its own (the worker and a run id): two jobs of one post in one
   * process (the sweep's and the scheduled one) must not both hold the part.
   */
  function runAs(owner: string) {
    const setPost = (id: string, set: Partial<PostRow>, onlyIn?: readonly PostStatus[]) =>
      q.updatePost(id, { ...set, updatedAt: now() }, onlyIn);
    const setPart = (part: PartRow, set: Partial<PartRow>) =>
      q.updatePart(part.postId, part.position, owner, { ...set, updatedAt: now() });
    const release = (part: PartRow, set: Partial<PartRow> = {}) =>
      setPart(part, { ...set, leaseOwner: null, leaseExpiresAt: null });

    async function needsAttention(
      post: PostRow,
      part: PartRow | null,
      reason: string,
      retryable: boolean,
    ): Promise<PublishOutcome> {
      if (part) await release(part, { error: reason, ...(retryable ? {} : { state: 'failed' }) });
      await setPost(post.id, {
        status: 'needs_attention',
        attentionReason: reason,
        attentionRetryable: retryable,
        waitingUntil: null,
        waitingReason: null,
        uploadProgress: null,
      });
      log.warn({ postId: post.id, position: part?.position, retryable }, 'post needs attention');
      return { kind: 'needs_attention' };
    }

    async function wait(
      post: PostRow,
      part: PartRow | null,
      until: Date,
      reason: string,
    ): Promise<PublishOutcome> {
      if (part) await release(part);
      await setPost(post.id, { waitingUntil: until, waitingReason: reason });
      await deps.sendLater(post.id, until);
      log.info({ postId: post.id, until }, 'post waits');
      return { kind: 'waiting', until };
    }

    const budgetSentence = (post: PostRow, which: keyof typeof windowNames, until: Date) =>
      `${windowNames[which]} is reached; Perch sends this at ${timeIn(until, post.timeZone)} (${post.timeZone}), when it opens again.`;

    type Ctx = { post: PostRow; session: XWriteSession; xUserId: string; appKey: string };
    type PartResult = { ok: true; xPostId: string } | { ok: false; outcome: PublishOutcome };

    /** The part among the account's posts, null when (after two reads) it is not there, or why it cannot tell now. */
    async function reconcile(
      ctx: Ctx,
      part: PartRow,
      want: { replyToId: string | null; quoteOfId: string | null; mediaCount: number },
    ): Promise<{ found: string | null } | { cannot: PublishOutcome }> {
      const since = new Date((part.sendStartedAt ?? now()).getTime() - 5 * 60_000);
      for (let read = 0; read < 2; read++) {
        if (read > 0) await sleep(options.reconcileWaitMs);
        const take = await budgets.takeRead(ctx.post.userId);
        if (!take.ok)
          return {
            cannot: await wait(
              ctx.post,
              part,
              take.until,
              budgetSentence(ctx.post, take.which, take.until),
            ),
          };
        let posts: XOwnPost[];
        try {
          const answer = await ctx.session.ownPosts(ctx.xUserId, {
            startTime: since,
            maxResults: 100,
          });
          await budgets.recordRead(ctx.post.userId, answer.limits);
          posts = answer.data;
        } catch (error) {
          if (!(error instanceof XApiError)) throw error;
          log.warn({ postId: ctx.post.id, err: errorSummary(error) }, 'could not read own posts');
          const until =
            error.kind === 'rate_limited' && error.rateLimit
              ? error.rateLimit.resetAt
              : new Date(now().getTime() + 60_000);
          return { cannot: await wait(ctx.post, part, until, sentences.cannotRead) };
        }
        const taken = await q.claimedXIds(
          ctx.post.userId,
          posts.map((p) => p.id),
        );
        const match = matchOwnPost(posts, { text: part.text, ...want }, taken);
        if (match) {
          log.info(
            { postId: ctx.post.id, position: part.position, xPostId: match.id, read },
            'found the part among the account’s posts',
          );
          return { found: match.id };
        }
      }
      return { found: null };
    }

    /** False when another worker took the part over meanwhile (it records the part; this run stops). */
    async function published(ctx: Ctx, part: PartRow, xPostId: string) {
      const at = now();
      if (!(await release(part, { state: 'published', xPostId, error: null }))) return false;
      await q.clearBlock(ctx.post.userId);
      try {
        await metrics.planSnapshots({
          userId: ctx.post.userId,
          postId: ctx.post.id,
          position: part.position,
          xPostId,
          publishedAt: at,
        });
      } catch (error) {
        log.warn({ postId: ctx.post.id, err: errorSummary(error) }, 'could not plan metrics');
      }
      if (part.position === 0 && (ctx.post.replyTo || ctx.post.quoteOf)) {
        try {
          await onContactTimeline(ctx.post, part, xPostId, at);
        } catch (error) {
          log.warn(
            { postId: ctx.post.id, err: errorSummary(error) },
            'could not add to a timeline',
          );
        }
      }
      return true;
    }

    /**
     * A reply to or quote of a contact's post goes on that contact's timeline: a reply as reply_out (the kind the
     * replies sync imports: the sync finding it later stores nothing twice, being keyed on X's id), a quote as
     * quote_out.
     */
    async function onContactTimeline(post: PostRow, part: PartRow, xPostId: string, at: Date) {
      const target = post.replyTo ?? post.quoteOf!;
      const contactId = await q.contactForTweet(post.userId, target);
      if (!contactId) return;
      await interactions.record(post.userId, {
        contactId,
        kind: post.replyTo ? 'reply_out' : 'quote_out',
        direction: 'outbound',
        xId: xPostId,
        occurredAt: at,
        text: part.text,
        data: {
          url: xPostUrl(xPostId),
          via: 'perch',
          ...(post.replyTo ? { inReplyTo: post.replyTo } : {}),
          ...(post.quoteOf ? { quoted: post.quoteOf } : {}),
        },
      });
    }

    async function sendPart(
      ctx: Ctx,
      claimed: PartRow,
      replyToId: string | null,
    ): Promise<PartResult> {
      const { post } = ctx;
      let part = claimed;
      const quoteOfId = part.position === 0 ? post.quoteOf : null;
      const want = { replyToId, quoteOfId, mediaCount: part.mediaIds.length };

      // A part whose last send is in doubt is looked for first; it is sent again only if X does not have it.
      if (part.state === 'sending' || part.state === 'unknown') {
        const r = await reconcile(ctx, part, want);
        if ('cannot' in r) return { ok: false, outcome: r.cannot };
        if (r.found) return { ok: true, xPostId: r.found };
        const reset = await setPart(part, { state: 'pending' });
        if (!reset) return { ok: false, outcome: { kind: 'skipped', why: 'lease lost' } };
        part = reset;
      }

      let xMediaIds: string[] = [];
      if (part.mediaIds.length > 0) {
        await setPost(post.id, { status: 'uploading', uploadProgress: 0 });
        let last = 0;
        const result = await media.ensureOnX(post.userId, part.mediaIds, ctx.session, (percent) => {
          if (percent - last < 5 && percent < 100) return;
          last = percent;
          void setPost(post.id, { uploadProgress: Math.round(percent) }).catch(() => {});
        });
        if (!result.ok) {
          if (result.waitUntil)
            return { ok: false, outcome: await wait(post, part, result.waitUntil, result.reason) };
          return {
            ok: false,
            outcome: await needsAttention(post, part, result.reason, result.retryable),
          };
        }
        xMediaIds = result.xMediaIds;
        await setPost(post.id, { status: 'publishing', uploadProgress: null });
      }

      const key = outboxKey({
        xUserId: ctx.xUserId,
        text: part.text,
        mediaIds: part.mediaIds,
        replyToId,
        quoteOfId,
        poll: part.poll,
      });
      const input: CreatePostInput = {
        text: part.text,
        ...(replyToId ? { replyToId } : {}),
        ...(quoteOfId ? { quoteOfId } : {}),
        ...(part.poll ? { poll: part.poll } : {}),
        ...(xMediaIds.length ? { mediaIds: xMediaIds } : {}),
      };
      let parentTries = 0;

      for (;;) {
        const take = await budgets.takePost(post.userId, ctx.appKey);
        if (!take.ok)
          return {
            ok: false,
            outcome: await wait(
              post,
              part,
              take.until,
              budgetSentence(post, take.which, take.until),
            ),
          };
        // Committed before the POST: whoever finds the part in `sending` later knows it may be on X.
        const sending = await setPart(part, {
          state: 'sending',
          sendStartedAt: now(),
          attempts: part.attempts + 1,
          outboxKey: key,
          error: null,
          leaseExpiresAt: leaseUntil(),
        });
        if (!sending) return { ok: false, outcome: { kind: 'skipped', why: 'lease lost' } };
        part = sending;
        try {
          const answer = await ctx.session.createPost(input);
          await budgets.recordPost(post.userId, ctx.appKey, answer.limits);
          return { ok: true, xPostId: answer.data.id };
        } catch (error) {
          // Anything else (a bug, the process going down) leaves the part in `sending`: the next worker reconciles.
          if (!(error instanceof XApiError)) throw error;
          if (error.rateLimit)
            await budgets.recordPost(post.userId, ctx.appKey, {
              window: error.rateLimit,
              userDay: null,
              appDay: null,
            });
          log.warn(
            { postId: post.id, position: part.position, err: errorSummary(error) },
            'x refused or lost a post',
          );
          if (error.kind === 'unavailable' || isDuplicate(error)) {
            part = (await setPart(part, { state: 'unknown' })) ?? part;
            const r = await reconcile(ctx, part, want);
            if ('cannot' in r) return { ok: false, outcome: r.cannot };
            if (r.found) return { ok: true, xPostId: r.found };
            if (isDuplicate(error)) {
              const ours = await q.publishedWithKey(post.userId, key, post.id);
              return {
                ok: false,
                outcome: await needsAttention(
                  post,
                  (await setPart(part, { state: 'pending' })) ?? part,
                  ours ? sentences.duplicateOurs : sentences.duplicateUnknown,
                  false,
                ),
              };
            }
            const back = await setPart(part, { state: 'pending' });
            if (!back) return { ok: false, outcome: { kind: 'skipped', why: 'lease lost' } };
            part = back;
            if (part.attempts >= options.maxSends)
              return {
                ok: false,
                outcome: await needsAttention(post, part, sentences.lostAnswers, true),
              };
            continue;
          }
          part = (await setPart(part, { state: 'pending' })) ?? part;
          if (error.kind === 'rate_limited') {
            const until = error.rateLimit?.resetAt ?? new Date(now().getTime() + 15 * 60_000);
            return {
              ok: false,
              outcome: await wait(post, part, until, budgetSentence(post, 'window', until)),
            };
          }
          if (error.kind === 'usage_capped' || error.kind === 'credits_depleted') {
            const sentence =
              error.kind === 'usage_capped' ? sentences.usageCapped : sentences.creditsDepleted;
            await q.setBlock(post.userId, error.kind, sentence, now());
            return { ok: false, outcome: await needsAttention(post, part, sentence, true) };
          }
          if (error.kind === 'reply_target_unavailable') {
            // X's 403 for a reply to a post of the thread it has not made readable yet: wait, a few times.
            if (part.position > 0) {
              if (++parentTries < options.parentTries) {
                await sleep(options.parentWaitMs);
                continue;
              }
              return {
                ok: false,
                outcome: await needsAttention(post, part, sentences.parentNotReady, true),
              };
            }
            return {
              ok: false,
              outcome: await needsAttention(post, part, sentences.targetGone, false),
            };
          }
          if (error.kind === 'missing_scope')
            return {
              ok: false,
              outcome: await needsAttention(
                post,
                part,
                `X refused: the X connection’s grant does not include ${error.scope ?? 'publishing'}. Extend it in the settings, then retry.`,
                true,
              ),
            };
          const reason =
            error.kind === 'unauthorized'
              ? `X refused the post for the account’s credentials (${error.detail}). Check Publishing in the settings.`
              : `X refused this part: ${error.detail}.`;
          return {
            ok: false,
            outcome: await needsAttention(
              post,
              part,
              reason,
              error.kind === 'unauthorized' || error.kind === 'client_forbidden',
            ),
          };
        }
      }
    }

    /** Sends what is left of the post, if it is due and no other worker is at it. */
    async function publish(postId: string): Promise<PublishOutcome> {
      let post = await q.findById(postId);
      if (!post) return { kind: 'skipped', why: 'gone' };
      const t = now();
      if (!['scheduled', 'publishing', 'uploading'].includes(post.status))
        return { kind: 'skipped', why: post.status };
      if (post.status === 'scheduled' && post.scheduledAt && post.scheduledAt > t)
        return { kind: 'skipped', why: 'not due' };
      if (post.waitingUntil && post.waitingUntil > t) return { kind: 'skipped', why: 'waiting' };

      const block = await q.block(post.userId);
      if (block) return needsAttention(post, null, block.sentence, true);
      const opened = await sessions.session(post.userId);
      if (!opened.ok) {
        if (opened.reason === 'unavailable')
          return wait(post, null, new Date(t.getTime() + 60_000), opened.sentence);
        return needsAttention(post, null, opened.sentence, true);
      }
      post =
        (await setPost(
          post.id,
          {
            status: post.status === 'scheduled' ? 'publishing' : post.status,
            waitingUntil: null,
            waitingReason: null,
          },
          ['scheduled', 'publishing', 'uploading'],
        )) ?? post;
      const ctx: Ctx = {
        post,
        session: opened.session,
        xUserId: opened.xUserId,
        appKey: appKeyOf(opened, deps.xClientId),
      };

      const parts = await q.partsOf([post.id]);
      let parent = post.replyTo;
      // When this run made the part the next one replies to (a part found published earlier has settled).
      let parentMadeAt: number | null = null;
      for (const part of parts) {
        if (part.state === 'published') {
          parent = part.xPostId;
          continue;
        }
        if (parentMadeAt !== null) {
          const settle = parentMadeAt + options.replySettleMs - now().getTime();
          if (settle > 0) await sleep(settle);
        }
        if (part.state === 'failed') return { kind: 'skipped', why: 'a part failed' };
        const claimed = await q.claimPart(post.id, part.position, owner, now(), leaseUntil());
        if (!claimed) return { kind: 'skipped', why: 'another worker holds the part' };
        const result = await sendPart(ctx, claimed, parent);
        if (!result.ok) return result.outcome;
        if (!(await published(ctx, claimed, result.xPostId)))
          return { kind: 'skipped', why: 'lease lost' };
        log.info(
          { postId: post.id, position: part.position, xPostId: result.xPostId },
          'part published',
        );
        parent = result.xPostId;
        parentMadeAt = now().getTime();
      }
      await setPost(post.id, {
        status: 'published',
        publishedAt: now(),
        attentionReason: null,
        attentionRetryable: null,
        waitingUntil: null,
        waitingReason: null,
        uploadProgress: null,
      });
      return { kind: 'published' };
    }

    return publish;
  }

  let runs = 0;
  return {
    /** Sends what is left of the post, if it is due and no other worker is at it. */
    publish: (postId: string) => runAs(`${workerId}:${++runs}`)(postId),
    workerId,
  };
}

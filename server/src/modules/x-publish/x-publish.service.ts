/**
 * Posts as the Compose and Posts pages see them: drafts, scheduled posts, what went out. Validation is the shared
 * post rules (the same the page runs) with the account's own length limit and the user's media; sending is the
 * outbox's (x-publish.outbox.ts), reached through the jobs.
 */
import type { MediaView, PostDraftInput, PostStatus, PostView } from '@perch/shared';
import {
  postIdFrom,
  postIssues,
  standardMaxWeightedLength,
  type PostIssue,
} from '@perch/shared/post-rules';
import { problems } from '../../lib/http-problem.ts';
import { isUuid } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorSummary } from '../../lib/logger.ts';
import type { PublishSessions } from '../x-credentials/x-credentials.contract.ts';
import type { XMediaForPublishing } from '../x-media/x-media.contract.ts';
import { appKeyOf, type PostingBudgets } from './x-publish.budget.ts';
import { xPublishProblems } from './x-publish.errors.ts';
import type { PartRow, PostRow, XPublishQueries } from './x-publish.queries.ts';
import { toPostView } from './x-publish.views.ts';

export type XPublishService = ReturnType<typeof createXPublishService>;

const validTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const editable: readonly PostStatus[] = ['draft', 'scheduled', 'needs_attention'];
const onX = (p: PartRow) => p.state !== 'pending' && p.state !== 'failed';

export interface XPublishServiceDeps {
  publishQueries: XPublishQueries;
  budgets: PostingBudgets;
  sessions: PublishSessions;
  media: XMediaForPublishing;
  /** Queues the post's job: at `at` (scheduled) or now. */
  sendPublish: (postId: string, at?: Date) => Promise<unknown>;
  logger: Logger;
  now: () => Date;
  /** Perch's OAuth 2.0 client id (X_CLIENT_ID). */
  xClientId?: string;
}

export function createXPublishService({
  publishQueries: q,
  budgets,
  sessions,
  media,
  sendPublish,
  logger,
  now,
  xClientId,
}: XPublishServiceDeps) {
  const log = logger.child({ module: 'x-publish' });

  async function views(userId: string, posts: PostRow[]) {
    const parts = await q.partsOf(posts.map((p) => p.id));
    const mediaIds = [...new Set(parts.flatMap((p) => p.mediaIds))];
    const mediaViews = mediaIds.length ? await media.views(userId, mediaIds) : [];
    const byId = new Map<string, MediaView>(mediaViews.map((m) => [m.id, m]));
    return posts.map((post) => toPostView(post, parts, byId));
  }
  const view = async (userId: string, post: PostRow) => (await views(userId, [post]))[0]!;

  async function maxWeightedLength(userId: string) {
    try {
      return (await sessions.status(userId)).maxWeightedLength;
    } catch (error) {
      log.warn({ err: errorSummary(error) }, 'could not read the publishing status');
      return standardMaxWeightedLength;
    }
  }

  /** Everything wrong with the input (drafts: only what would make it unsaveable), or the values to store. */
  async function check(userId: string, input: PostDraftInput) {
    const issues: PostIssue[] = [];
    const add = (issue: PostIssue) => {
      if (!issues.some((i) => i.path === issue.path)) issues.push(issue);
    };
    const ids = [...new Set(input.parts.flatMap((p) => p.mediaIds))];
    const known = ids.length ? await media.describe(userId, ids) : new Map();
    const replyTo = input.replyTo === null ? null : postIdFrom(input.replyTo);
    const quoteOf = input.quoteOf === null ? null : postIdFrom(input.quoteOf);
    if (input.action !== 'draft')
      postIssues(input, {
        maxWeightedLength: await maxWeightedLength(userId),
        media: known,
        now: now(),
      }).forEach(add);
    // What even a draft must be: saved as X ids, in a zone there is, naming the user's own media.
    const notAPost = 'Paste a post’s x.com link or its id.';
    if (input.replyTo !== null && !replyTo) add({ path: 'replyTo', message: notAPost });
    if (input.quoteOf !== null && !quoteOf) add({ path: 'quoteOf', message: notAPost });
    if (!validTimeZone(input.timeZone))
      add({ path: 'timeZone', message: 'Not a time zone (e.g. Europe/Berlin).' });
    input.parts.forEach((part, i) =>
      part.mediaIds.forEach((id, j) => {
        if (!known.has(id))
          add({ path: `parts.${i}.mediaIds.${j}`, message: 'No such media; upload it again.' });
      }),
    );
    const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : null;
    if (issues.length) throw problems.invalidRequest(issues);
    const status: PostStatus =
      input.action === 'draft' ? 'draft' : input.action === 'schedule' ? 'scheduled' : 'publishing';
    return {
      post: {
        status,
        replyTo,
        quoteOf,
        scheduledAt: input.action === 'publish_now' ? null : scheduledAt,
        timeZone: input.timeZone,
        attentionReason: null,
        attentionRetryable: null,
        waitingUntil: null,
        waitingReason: null,
        uploadProgress: null,
      },
      parts: input.parts.map((p) => ({ text: p.text, mediaIds: p.mediaIds, poll: p.poll })),
    };
  }

  async function queue(post: PostRow) {
    if (post.status === 'scheduled') await sendPublish(post.id, post.scheduledAt ?? undefined);
    else if (post.status === 'publishing') await sendPublish(post.id);
  }

  async function owned(userId: string, id: string) {
    if (!isUuid(id)) throw xPublishProblems.notFound(); // never a query
    const post = await q.find(userId, id);
    if (!post) throw xPublishProblems.notFound();
    return post;
  }

  return {
    async page(userId: string, query: { status?: PostStatus; limit: number; cursor?: string }) {
      const { rows, nextCursor } = await q.page(userId, query);
      return { posts: await views(userId, rows), nextCursor };
    },
    get: async (userId: string, id: string) => view(userId, await owned(userId, id)),

    async create(userId: string, input: PostDraftInput): Promise<PostView> {
      const checked = await check(userId, input);
      const t = now();
      const post = await q.insertPost(
        { userId, ...checked.post, createdAt: t, updatedAt: t },
        checked.parts,
        t,
      );
      log.info({ postId: post.id, status: post.status, parts: checked.parts.length }, 'post saved');
      await queue(post);
      return view(userId, post);
    },

    async update(userId: string, id: string, input: PostDraftInput): Promise<PostView> {
      const existing = await owned(userId, id);
      if (!editable.includes(existing.status)) throw xPublishProblems.notEditable(existing.status);
      if ((await q.partsOf([id])).some(onX)) throw xPublishProblems.partlyOnX();
      const checked = await check(userId, input);
      const post = await q.replacePost(
        id,
        { ...checked.post, updatedAt: now() },
        checked.parts,
        now(),
      );
      // a worker took it up between the checks above and the write
      if (!post) throw xPublishProblems.partlyOnX();
      await queue(post);
      return view(userId, post);
    },

    async delete(userId: string, id: string) {
      const existing = await owned(userId, id);
      if (!editable.includes(existing.status)) throw xPublishProblems.notEditable(existing.status);
      if ((await q.partsOf([id])).some(onX)) throw xPublishProblems.partlyOnX();
      if (!(await q.deletePost(id, now()))) throw xPublishProblems.partlyOnX();
    },

    /** Goes on from the first part X has not confirmed; a block (cap, credits) is tried again too. */
    async retry(userId: string, id: string): Promise<PostView> {
      await owned(userId, id);
      const t = now();
      const post = await q.updatePost(
        id,
        {
          status: 'publishing',
          attentionReason: null,
          attentionRetryable: null,
          waitingUntil: null,
          waitingReason: null,
          updatedAt: t,
        },
        ['needs_attention'],
      );
      if (!post) throw xPublishProblems.notRetryable();
      await q.resetFailedParts(id, t);
      await q.clearBlock(userId);
      await sendPublish(id);
      return view(userId, post);
    },

    /** The app window shown is Perch's OAuth 2.0 app's when that publishes (an OAuth 1.0a app's needs its key). */
    async budget(userId: string) {
      const status = await sessions.status(userId);
      return budgets.view(userId, status.credential === 'oauth2' ? appKeyOf({}, xClientId) : null);
    },
  };
}

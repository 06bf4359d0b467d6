import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PostView, Problem } from '@perch/shared';
import type { FakeX } from '../../../../test/fake-x/index.ts';
import { jobsIdle } from '../../test-utils/app.ts';
import {
  connectPublishing,
  postsAtX,
  publishingApp,
  resetFakeX,
  startPublishingFakeX,
  testClock,
  type TestApp,
} from '../../test-utils/x-publish.ts';

const clock = testClock();
let fakeX: FakeX;
const opened: TestApp[] = [];
beforeAll(async () => {
  fakeX = await startPublishingFakeX(clock);
});
beforeEach(() => resetFakeX(fakeX));
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});
afterAll(() => fakeX?.close());

async function setup() {
  const t = await publishingApp(fakeX, clock);
  opened.push(t);
  const { cookie, user } = await connectPublishing(t, fakeX);
  fakeX.posts.setReplyDelay(0);
  return { t, cookie, user };
}
/** How often Perch asked X to post. */
const creates = () => fakeX.requestCount('createPosts');

const send = (t: TestApp, cookie: string, path: string, method: string, json?: unknown) =>
  t.request(`/api/v1/posts${path}`, { method, headers: { cookie }, ...(json ? { json } : {}) });

describe('posts routes', () => {
  it('refuses what X would refuse, naming each part and field', async () => {
    const { t, cookie } = await setup();
    const res = await send(t, cookie, '', 'POST', {
      action: 'publish_now',
      parts: [
        { text: 'fine' },
        { text: 'x'.repeat(281) },
        { text: 'poll', poll: { options: ['only one'], durationMinutes: 60 } },
      ],
      replyTo: 'https://example.com/not-a-post',
      quoteOf: null,
    });
    const problem = await t.expectDocumented<Problem>(res, 'POST /api/v1/posts', 400);
    const paths = problem.errors!.map((e) => e.path);
    expect(paths).toContain('parts.1.text');
    expect(paths).toContain('replyTo');
    expect(paths.some((p) => p.startsWith('parts.2.poll'))).toBe(true);
    expect(paths).not.toContain('parts.0.text');
    expect(creates()).toBe(0);

    const media = await send(t, cookie, '', 'POST', {
      action: 'draft',
      parts: [{ text: 'a', mediaIds: ['7f1f6a5e-0000-4000-8000-000000000000'] }],
    });
    const mediaProblem = await t.expectDocumented<Problem>(media, 'POST /api/v1/posts', 400);
    expect(mediaProblem.errors!.map((e) => e.path)).toEqual(['parts.0.mediaIds.0']);

    const past = await send(t, cookie, '', 'POST', {
      action: 'schedule',
      parts: [{ text: 'late' }],
      scheduledAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(((await past.json()) as Problem).errors!.map((e) => e.path)).toEqual(['scheduledAt']);
  });

  it('drafts: saved as written (even too long), edited, scheduled, deleted; others cannot see them', async () => {
    const { t, cookie } = await setup();
    const created = await send(t, cookie, '', 'POST', {
      action: 'draft',
      parts: [{ text: 'y'.repeat(400) }],
      timeZone: 'Europe/Berlin',
    });
    const draft = await t.expectDocumented<PostView>(created, 'POST /api/v1/posts', 201);
    expect(draft).toMatchObject({ status: 'draft', timeZone: 'Europe/Berlin', waitingUntil: null });

    const tooLong = await send(t, cookie, `/${draft.id}`, 'PUT', {
      action: 'schedule',
      parts: [{ text: 'y'.repeat(400) }],
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(tooLong.status).toBe(400);
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await t.expectDocumented<PostView>(
      await send(t, cookie, `/${draft.id}`, 'PUT', {
        action: 'schedule',
        parts: [{ text: 'short now' }, { text: 'and a second part' }],
        scheduledAt: at,
        replyTo: 'x.com/someone/status/123456',
      }),
      'PUT /api/v1/posts/{id}',
      200,
    );
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: at, replyTo: '123456' });
    expect(scheduled.parts.map((p) => [p.position, p.text, p.state])).toEqual([
      [0, 'short now', 'pending'],
      [1, 'and a second part', 'pending'],
    ]);
    await jobsIdle(t.deps);
    expect(creates()).toBe(0); // not due

    const list = await t.expectDocumented<{ posts: PostView[]; nextCursor: string | null }>(
      await send(t, cookie, '?status=scheduled', 'GET'),
      'GET /api/v1/posts',
      200,
    );
    expect(list.posts.map((p) => p.id)).toEqual([draft.id]);

    const other = await t.signUp('other@example.com');
    expect((await send(t, other.cookie, `/${draft.id}`, 'GET')).status).toBe(404);
    expect((await send(t, other.cookie, `/${draft.id}`, 'DELETE')).status).toBe(404);
    expect((await send(t, cookie, '/not-a-uuid', 'GET')).status).toBe(404);

    const deleted = await send(t, cookie, `/${draft.id}`, 'DELETE');
    await t.expectDocumented(deleted, 'DELETE /api/v1/posts/{id}', 204);
    expect((await send(t, cookie, `/${draft.id}`, 'GET')).status).toBe(404);
  });

  it('pages newest first; a published post can be neither edited nor deleted', async () => {
    const { t, cookie } = await setup();
    const ids: string[] = [];
    for (const text of ['first', 'second', 'third']) {
      const res = await send(t, cookie, '', 'POST', { action: 'publish_now', parts: [{ text }] });
      ids.push(((await res.json()) as PostView).id);
      await jobsIdle(t.deps);
    }
    const page1 = (await (await send(t, cookie, '?limit=2', 'GET')).json()) as {
      posts: PostView[];
      nextCursor: string;
    };
    expect(page1.posts.map((p) => p.id)).toEqual([ids[2], ids[1]]);
    const page2 = (await (
      await send(t, cookie, `?limit=2&cursor=${page1.nextCursor}`, 'GET')
    ).json()) as {
      posts: PostView[];
      nextCursor: string | null;
    };
    expect(page2.posts.map((p) => p.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
    expect(page2.posts[0]!.status).toBe('published');

    const edit = await send(t, cookie, `/${ids[0]}`, 'PUT', {
      action: 'draft',
      parts: [{ text: 'changed' }],
    });
    expect(edit.status).toBe(409);
    expect((await send(t, cookie, `/${ids[0]}`, 'DELETE')).status).toBe(409);
    expect((await send(t, cookie, `/${ids[0]}/retry`, 'POST')).status).toBe(409);
  });

  it('a post a worker has taken up can be neither edited nor deleted', async () => {
    const { t, cookie } = await setup();
    const body = {
      action: 'schedule',
      parts: [{ text: 'soon' }],
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const { id } = (await (await send(t, cookie, '', 'POST', body)).json()) as PostView;
    const now = new Date();
    const claimed = await t.deps.xPublish.publishQueries.claimPart(
      id,
      0,
      'a-worker',
      now,
      new Date(now.getTime() + 60_000),
    );
    expect(claimed).not.toBeNull();
    expect((await send(t, cookie, `/${id}`, 'PUT', body)).status).toBe(409);
    expect((await send(t, cookie, `/${id}`, 'DELETE')).status).toBe(409);
    expect((await send(t, cookie, `/${id}`, 'GET')).status).toBe(200);
  });

  it('a reply to a contact’s post goes on the contact’s timeline, once', async () => {
    const { t, cookie, user } = await setup();
    fakeX.addAccount({ userId: '999', screenName: 'ada', name: 'Ada' });
    const mention = fakeX.posts.add({ authorId: '999', text: '@perch_out hello', createdAt: 0 });
    const { contact } = await t.deps.contacts.create(user.id, {
      name: 'Ada',
      xHandle: 'ada',
      xUserId: '999',
      notes: '',
    });
    await t.deps.interactions.record(user.id, {
      contactId: contact.id,
      kind: 'mention_in',
      direction: 'inbound',
      xId: mention.id,
      occurredAt: new Date(),
      text: '@perch_out hello',
    });
    const res = await send(t, cookie, '', 'POST', {
      action: 'publish_now',
      parts: [{ text: 'Hello Ada' }, { text: 'a second part stays off the timeline' }],
      replyTo: `https://x.com/ada/status/${mention.id}`,
    });
    const { id } = (await res.json()) as PostView;
    await jobsIdle(t.deps);
    const view = (await (await send(t, cookie, `/${id}`, 'GET')).json()) as PostView;
    expect(view.status).toBe('published');
    const timeline = await t.deps.interactions.timeline(user.id, contact.id);
    const mine = timeline.filter((i) => i.kind === 'reply_out');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      direction: 'outbound',
      xId: view.parts[0]!.xPostId,
      text: 'Hello Ada',
      data: { inReplyTo: mention.id, via: 'perch' },
    });
    expect(postsAtX(fakeX).map((p) => [p.text, p.inReplyToId])).toEqual([
      ['Hello Ada', mention.id],
      ['a second part stays off the timeline', view.parts[0]!.xPostId],
    ]);
  });

  it('the budget route answers before anything was sent', async () => {
    const { t, cookie } = await setup();
    const budget = await t.expectDocumented(
      await send(t, cookie, '/budget', 'GET'),
      'GET /api/v1/posts/budget',
      200,
    );
    expect(budget).toEqual({
      window: { limit: null, remaining: null, resetAt: null },
      day: { limit: null, remaining: null, resetAt: null },
      blocked: null,
    });
    expect((await t.request('/api/v1/posts/budget')).status).toBe(401);
  });
});

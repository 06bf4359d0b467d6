import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationList } from '@perch/shared';
import { createTestApp } from '../../test-utils/app.ts';
import { dailyKey } from './notifications.service.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

const json = async <T>(res: Response) => (await res.json()) as T;

describe('notifications', () => {
  it('notifies once per dedupe key, counts unread, marks one and then all read', async () => {
    let clock = new Date('2026-11-24T10:00:00Z');
    t = await createTestApp({ overrides: { now: () => clock } });
    const { cookie, user } = await t.signUp();
    const { notifications } = t.deps;
    const failure = {
      kind: 'sync_failed',
      title: 'X mention sync unavailable — X answered 503',
      dedupeKey: dailyKey('sync_failed:x_unavailable', clock),
    };
    expect(failure.dedupeKey).toBe('sync_failed:x_unavailable:2026-11-24');
    expect(await notifications.notify(user.id, failure)).toMatchObject({
      created: true,
      notification: { kind: 'sync_failed', readAt: null },
    });
    expect(await notifications.notify(user.id, failure)).toEqual({
      created: false,
      notification: null,
    });
    const raced = await Promise.all(
      [1, 2].map(() =>
        notifications.notify(user.id, { ...failure, dedupeKey: 'sync_failed:expired:2026-11-24' }),
      ),
    );
    expect(raced.filter((r) => r.created)).toHaveLength(1);
    // keyless notifications are never merged
    await notifications.notify(user.id, { kind: 'note', title: 'a' });
    await notifications.notify(user.id, { kind: 'note', title: 'a' });
    clock = new Date('2026-11-25T10:00:00Z');
    expect(
      await notifications.notify(user.id, {
        ...failure,
        dedupeKey: dailyKey('sync_failed:x_unavailable', clock),
      }),
    ).toMatchObject({ created: true });

    expect(
      await t.expectDocumented(
        await t.request('/api/v1/notifications/unread-count', { headers: { cookie } }),
        'GET /api/v1/notifications/unread-count',
        200,
      ),
    ).toEqual({ unreadCount: 5 });
    const all = await t.expectDocumented<NotificationList>(
      await t.request('/api/v1/notifications', { headers: { cookie } }),
      'GET /api/v1/notifications',
      200,
    );
    expect(all.notifications).toHaveLength(5);
    expect(all.notifications[0]!.createdAt).toBe('2026-11-25T10:00:00.000Z');

    const read = await t.request(`/api/v1/notifications/${all.notifications[0]!.id}/read`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(await t.expectDocumented(read, 'POST /api/v1/notifications/:id/read', 200)).toEqual({
      unreadCount: 4,
    });
    const unread = await json<NotificationList>(
      await t.request('/api/v1/notifications?unread=true', { headers: { cookie } }),
    );
    expect(unread.notifications.map((n) => n.id)).not.toContain(all.notifications[0]!.id);
    expect(unread.unreadCount).toBe(4);

    expect(
      await t.expectDocumented(
        await t.request('/api/v1/notifications/read-all', { method: 'POST', headers: { cookie } }),
        'POST /api/v1/notifications/read-all',
        200,
      ),
    ).toEqual({ unreadCount: 0 });
    expect(
      (
        await json<NotificationList>(
          await t.request('/api/v1/notifications?unread=true', { headers: { cookie } }),
        )
      ).notifications,
    ).toEqual([]);
    expect(
      (
        await json<NotificationList>(
          await t.request('/api/v1/notifications', { headers: { cookie } }),
        )
      ).notifications.every(
        (n) => n.readAt === '2026-11-25T10:00:00.000Z' || n.id === all.notifications[0]!.id,
      ),
    ).toBe(true);
  });

  it('keeps users apart and answers 404 for malformed or foreign ids', async () => {
    t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
    const alice = await t.signUp('alice@example.com');
    const bob = await t.signUp('bob@example.com');
    const { notification } = await t.deps.notifications.notify(alice.user.id, {
      kind: 'note',
      title: 'for Alice',
      dedupeKey: 'k',
    });
    // the same key is another user's own
    expect(
      await t.deps.notifications.notify(bob.user.id, {
        kind: 'note',
        title: 'for Bob',
        dedupeKey: 'k',
      }),
    ).toMatchObject({ created: true });
    const bobs = await json<NotificationList>(
      await t.request('/api/v1/notifications', { headers: { cookie: bob.cookie } }),
    );
    expect(bobs.notifications.map((n) => n.title)).toEqual(['for Bob']);
    for (const id of [notification!.id, 'nope']) {
      const res = await t.request(`/api/v1/notifications/${id}/read`, {
        method: 'POST',
        headers: { cookie: bob.cookie },
      });
      expect(
        await t.expectDocumented(res, 'POST /api/v1/notifications/:id/read', 404),
      ).toMatchObject({ code: 'notification.not_found' });
    }
    await t.request('/api/v1/notifications/read-all', {
      method: 'POST',
      headers: { cookie: bob.cookie },
    });
    expect(
      await json(
        await t.request('/api/v1/notifications/unread-count', {
          headers: { cookie: alice.cookie },
        }),
      ),
    ).toEqual({ unreadCount: 1 });
    await t.expectDocumented(
      await t.request('/api/v1/notifications', {}),
      'GET /api/v1/notifications',
      401,
    );
    await t.expectDocumented(
      await t.request('/api/v1/notifications/unread-count', {}),
      'GET /api/v1/notifications/unread-count',
      401,
    );
  });
});

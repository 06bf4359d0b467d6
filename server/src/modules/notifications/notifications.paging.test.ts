import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationList, Problem } from '@perch/shared';
import { createTestApp } from '../../test-utils/app.ts';
import { notifications } from './notifications.table.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

describe('GET /api/v1/notifications pages', () => {
  it('walks newest first, each once, ties by id; 50 by default; bad limit or cursor named; users kept apart', async () => {
    t = await createTestApp({ env: { PERCH_ALLOW_SIGNUP: 'true' } });
    const { user, cookie } = await t.signUp();
    const rows = await t.deps.database.db
      .insert(notifications)
      .values(
        Array.from({ length: 60 }, (_, i) => ({
          userId: user.id,
          kind: 'test',
          title: `n${i}`,
          createdAt: new Date(Date.UTC(2026, 10, 20, 9, Math.floor(i / 4))),
        })),
      )
      .returning();
    const get = async (path: string, who = cookie) => {
      const res = await t.request(path, { headers: { cookie: who } });
      return { res, body: (await res.json()) as NotificationList & Problem };
    };
    const first = await get('/api/v1/notifications');
    expect(first.body.notifications).toHaveLength(50);
    expect(first.body.unreadCount).toBe(60);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { body }: { body: NotificationList } = await get(
        `/api/v1/notifications?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...body.notifications.map((n) => n.id));
      cursor = body.nextCursor;
    } while (cursor && seen.length < 1000);
    expect(seen).toEqual(
      [...rows]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .map((r) => r.id),
    );

    expect((await get('/api/v1/notifications?limit=201')).body.errors?.map((e) => e.path)).toEqual([
      'limit',
    ]);
    expect(
      (await get('/api/v1/notifications?cursor=%3D%3D')).body.errors?.map((e) => e.path),
    ).toEqual(['cursor']);
    const other = await t.signUp('other@example.com');
    expect(
      (await get(`/api/v1/notifications?cursor=${first.body.nextCursor}`, other.cookie)).body,
    ).toMatchObject({ notifications: [], nextCursor: null });
  });
});

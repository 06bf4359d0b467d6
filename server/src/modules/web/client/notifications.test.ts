// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '@perch/shared';
import { fakeApi, fakeLocation, showPage, testAssetUrl } from '../../../test-utils/page-dom.ts';
import { notificationsPage } from '../web.crm.ts';
import { start } from './notifications.ts';

const note = (id: string, readAt: string | null) =>
  ({
    id,
    kind: 'note',
    title: `Note ${id}`,
    body: '',
    contactId: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    readAt,
  }) as Notification;

beforeEach(async () => {
  fakeLocation('/notifications');
  await showPage(
    notificationsPage(
      { email: 'owner@example.com', unreadCount: 2, asset: testAssetUrl },
      { notifications: [note('n1', null), note('n2', null)] },
    ),
  );
});
afterEach(() => vi.unstubAllGlobals());

const badge = () => document.getElementById('unread-count')!;
const unread = () => document.querySelectorAll('.notification[data-read="false"]').length;

describe('/notifications', () => {
  it('Mark read marks one, updates the badge, and keeps Mark all read while some are unread', async () => {
    fakeApi({ 'POST /api/v1/notifications/n1/read': () => ({ unreadCount: 1 }) });
    start();
    document
      .querySelector<HTMLButtonElement>('.notification[data-id="n1"] button.mark-read')!
      .click();
    await vi.waitFor(() => expect(unread()).toBe(1));
    expect(document.querySelector('.notification[data-id="n1"] button.mark-read')).toBeNull();
    expect([badge().textContent, badge().getAttribute('aria-label'), badge().hidden]).toEqual([
      '1',
      '1 unread',
      false,
    ]);
    expect((document.getElementById('mark-all-read') as HTMLButtonElement).disabled).toBe(false);
  });

  it('Mark all read marks every one, hides the badge and disables itself', async () => {
    fakeApi({ 'POST /api/v1/notifications/read-all': () => ({ unreadCount: 0 }) });
    start();
    document.getElementById('mark-all-read')!.click();
    await vi.waitFor(() => expect(unread()).toBe(0));
    expect(badge().hidden).toBe(true);
    await vi.waitFor(() =>
      expect((document.getElementById('mark-all-read') as HTMLButtonElement).disabled).toBe(true),
    );
  });
});

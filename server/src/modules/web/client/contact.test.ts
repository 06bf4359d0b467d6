// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Contact, Interaction, RecentTweets } from '@perch/shared';
import { fakeApi, fakeLocation, showPage, testAssetUrl } from '../../../test-utils/page-dom.ts';
import { contactPage } from '../web.crm.ts';
import { start } from './contact.ts';

const contact = {
  id: 'c1',
  name: 'Ada',
  xHandle: 'ada',
  notes: '',
  bio: null,
  avatarPath: null,
  bioCheckedAt: null,
} as unknown as Contact;
const dm = {
  id: 'i1',
  kind: 'dm',
  direction: 'inbound',
  text: 'hello',
  xId: 'm1',
  occurredAt: '2026-01-01T10:00:00.000Z',
  data: { dmConversationId: 'c' },
} as unknown as Interaction;
const fresh: RecentTweets = {
  status: 'fresh',
  fetchedAt: new Date().toISOString(),
  tweets: [
    {
      id: 't1',
      text: 'Launching today',
      createdAt: '2026-01-01T09:00:00.000Z',
      url: 'https://x.com/ada/status/t1',
      isRetweet: false,
    },
  ],
  events: [
    {
      tweetId: 't1',
      eventClass: 'product_launch',
      confidence: 0.9,
      url: 'https://x.com/ada/status/t1',
      text: 'Launching today',
      occurredAt: null,
    },
  ],
  message: null,
};

let location: ReturnType<typeof fakeLocation>;
beforeEach(async () => {
  location = fakeLocation('/contacts/c1');
  await showPage(
    contactPage(
      { email: 'owner@example.com', unreadCount: 0, asset: testAssetUrl },
      { contact, timeline: [dm] },
    ),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('/contacts/:id', () => {
  it('shows the recent tweets with their events, and dates in this browser’s locale', async () => {
    fakeApi({ 'GET /api/v1/contacts/c1/recent-tweets': () => fresh });
    start();
    await vi.waitFor(() =>
      expect(document.getElementById('recent-status')!.textContent).toBe(
        'Fetched from X just now. One event detected; they are on the timeline too.',
      ),
    );
    expect(document.querySelector('#recent-tweet-list .kind-label')!.textContent).toBe(
      'Product launch · 90%',
    );
    expect(document.querySelector('.dm time')!.textContent).not.toContain('UTC'); // localised by the header
  });

  it('Sync DMs with X says when there is nothing new, and reloads when there is', async () => {
    const api = fakeApi({
      'GET /api/v1/contacts/c1/recent-tweets': () => fresh,
      'POST /api/v1/x-dm/contacts/c1/sync': () => ({ result: { status: 'finished', imported: 0 } }),
    });
    start();
    document.getElementById('sync-contact-dms')!.click();
    await vi.waitFor(() =>
      expect(document.getElementById('dm-message')!.textContent).toBe(
        'No new direct messages with Ada.',
      ),
    );
    api.routes['POST /api/v1/x-dm/contacts/c1/sync'] = () => ({
      result: { status: 'finished', imported: 2 },
    });
    document.getElementById('sync-contact-dms')!.click();
    await vi.waitFor(() => expect(location.reload).toHaveBeenCalled());
  });

  it('Delete asks first, then deletes and goes back to the list', async () => {
    const api = fakeApi({
      'GET /api/v1/contacts/c1/recent-tweets': () => fresh,
      'DELETE /api/v1/contacts/c1': () => new Response(null, { status: 204 }),
    });
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    start();
    document.getElementById('delete-contact')!.click();
    expect(confirm).toHaveBeenCalledWith('Delete Ada and their timeline? This cannot be undone.');
    expect(api.sent('DELETE', '/api/v1/contacts/c1')).toEqual([]);
    confirm.mockReturnValue(true);
    document.getElementById('delete-contact')!.click();
    await vi.waitFor(() => expect(location.assign).toHaveBeenCalledWith('/contacts'));
  });
});

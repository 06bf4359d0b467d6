// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UnknownAuthor } from '@perch/shared';
import {
  answer,
  fakeApi,
  fakeLocation,
  showPage,
  testAssetUrl,
} from '../../../test-utils/page-dom.ts';
import { contactsPage } from '../web.crm.ts';
import { start } from './contacts.ts';

const user = { email: 'owner@example.com', unreadCount: 0, asset: testAssetUrl };
const author: UnknownAuthor = {
  xUserId: '42',
  xHandle: 'ada',
  name: 'Ada',
  itemCount: 2,
  lastOccurredAt: '2026-01-01T10:00:00.000Z',
  lastText: 'hi',
} as UnknownAuthor;

let location: ReturnType<typeof fakeLocation>;
beforeEach(async () => {
  location = fakeLocation('/contacts');
  await showPage(
    contactsPage(user, {
      contacts: { contacts: [], nextCursor: null },
      authors: { authors: [author], nextCursor: null },
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('/contacts', () => {
  it('Add contact posts the form and opens the new contact', async () => {
    const api = fakeApi({ 'POST /api/v1/contacts': () => answer(201, { id: 'c 1' }) });
    start();
    (document.getElementById('contact-name') as HTMLInputElement).value = 'Grace';
    (document.getElementById('contact-handle') as HTMLInputElement).value = '';
    document.querySelector<HTMLButtonElement>('#add-contact-form button[type="submit"]')!.click();
    await vi.waitFor(() => expect(location.assign).toHaveBeenCalledWith('/contacts/c%201'));
    expect(api.sent('POST', '/api/v1/contacts')[0]!.body).toEqual({
      name: 'Grace',
      xHandle: null,
      notes: '',
    });
  });

  it('Add as contact turns an unknown author into a contact, and says so when it cannot', async () => {
    const api = fakeApi({
      'POST /api/v1/x/unknown-authors/42/add-contact': () =>
        answer(500, { title: 'Something went wrong' }),
    });
    start();
    document.querySelector<HTMLButtonElement>('button.add-author')!.click();
    await vi.waitFor(() =>
      expect(document.getElementById('page-message')!.textContent).toBe(
        'Perch could not add this person. Something went wrong.',
      ),
    );

    api.routes['POST /api/v1/x/unknown-authors/42/add-contact'] = () => ({ contact: { id: 'c2' } });
    document.querySelector<HTMLButtonElement>('button.add-author')!.click();
    await vi.waitFor(() => expect(location.assign).toHaveBeenCalledWith('/contacts/c2'));
  });
});

/**
 * /contacts/:id: the contact's recent tweets and detected events (fetched from X on demand, polled until they
 * arrive); save the details (a changed handle makes Perch fetch the new account), sync the DMs with this contact
 * from X, or delete the contact.
 */
import type { RecentTweets, XDmContactSync } from '@perch/shared';
import { api } from './api.ts';
import { onSubmit, startHeader } from './header.ts';
import { followRecentTweets } from './recent-tweets.ts';
import { $, $button, busy, failure, say } from './ui.ts';

export function start(): void {
  startHeader();
  const form = $<HTMLFormElement>('contact-form');
  const contactId = encodeURIComponent(form.dataset.contactId ?? '');
  const path = `/api/v1/contacts/${contactId}`;
  const name = () => $<HTMLInputElement>('contact-name').defaultValue;

  void followRecentTweets({
    section: $('recent-tweets'),
    load: () => api<RecentTweets>('GET', `${path}/recent-tweets`),
    describeError: failure,
  });

  onSubmit(form, 'Saving…', async (values) => {
    await api('PATCH', path, {
      name: values.name,
      xHandle: values.xHandle || null,
      notes: values.notes,
    });
    location.reload();
  });

  $('sync-contact-dms').addEventListener('click', () => {
    void busy($button('sync-contact-dms'), 'Syncing…', async () => {
      try {
        const { result } = await api<XDmContactSync>(
          'POST',
          `/api/v1/x-dm/contacts/${contactId}/sync`,
        );
        if (result.imported > 0) return location.reload();
        if (result.status === 'finished')
          return say('dm-message', `No new direct messages with ${name()}.`, { tone: 'ok' });
        const why =
          result.status === 'paused'
            ? 'X’s limit for direct messages is used up for now; try again later.'
            : result.error;
        say('dm-message', why ?? 'The sync did not finish.', { tone: 'error' });
      } catch (error) {
        say(
          'dm-message',
          `Perch could not sync the direct messages with ${name()}. ${failure(error)}`,
          { tone: 'error' },
        );
      }
    });
  });

  $('delete-contact').addEventListener('click', () => {
    if (!confirm(`Delete ${name()} and their timeline? This cannot be undone.`)) return;
    void busy($button('delete-contact'), 'Deleting…', async () => {
      try {
        await api('DELETE', path);
        location.assign('/contacts');
      } catch (error) {
        say('page-message', `Perch could not delete ${name()}. ${failure(error)}`, {
          tone: 'error',
        });
      }
    });
  });
}

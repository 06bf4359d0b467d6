/**
 * /contacts/:id: the contact's recent tweets and detected events (fetched from X on demand, polled until they
 * arrive); save the details (a changed handle makes Perch fetch the new account), sync the DMs with this contact
 * from X, or delete the contact.
 */
import { api } from './api.js';
import { onSubmit } from './header.js';
import { followRecentTweets } from './recent-tweets.js';
import { $, busy, failure, say } from './ui.js';

const form = $('contact-form');
const path = `/api/v1/contacts/${encodeURIComponent(form.dataset.contactId)}`;

void followRecentTweets({ section: $('recent-tweets'), load: () => api('GET', `${path}/recent-tweets`), describeError: failure });

onSubmit(form, 'Saving…', async (values) => {
  await api('PATCH', path, { name: values.name, xHandle: values.xHandle || null, notes: values.notes });
  location.reload();
});

$('sync-contact-dms').addEventListener('click', () => {
  const name = $('contact-name').defaultValue;
  void busy($('sync-contact-dms'), 'Syncing…', async () => {
    try {
      const { result } = await api('POST', `/api/v1/x-dm/contacts/${encodeURIComponent(form.dataset.contactId)}/sync`);
      if (result.imported > 0) return location.reload();
      if (result.status === 'finished') return say('dm-message', `No new direct messages with ${name}.`, { tone: 'ok' });
      say('dm-message', result.status === 'paused' ? 'X’s limit for direct messages is used up for now; try again later.' : result.error, { tone: 'error' });
    } catch (error) {
      say('dm-message', `Perch could not sync the direct messages with ${name}. ${failure(error)}`, { tone: 'error' });
    }
  });
});

$('delete-contact').addEventListener('click', () => {
  const name = $('contact-name').defaultValue;
  if (!confirm(`Delete ${name} and their timeline? This cannot be undone.`)) return;
  void busy($('delete-contact'), 'Deleting…', async () => {
    try {
      await api('DELETE', path);
      location.assign('/contacts');
    } catch (error) {
      say('page-message', `Perch could not delete ${name}. ${failure(error)}`, { tone: 'error' });
    }
  });
});

/**
 * /contacts/:id: the contact's recent tweets and detected events (fetched from X on demand, polled until they
 * arrive); save the details (a changed handle makes Perch fetch the new account), or delete the contact.
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

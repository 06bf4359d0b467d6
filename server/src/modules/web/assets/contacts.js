/**
 * /contacts: Add contact (then open it), and "Add as contact" for people who mentioned the user.
 */
import { api } from './api.js';
import { onSubmit } from './header.js';
import { $, busy, failure, say } from './ui.js';

onSubmit($('add-contact-form'), 'Adding…', async (values) => {
  const contact = await api('POST', '/api/v1/contacts', { name: values.name, xHandle: values.xHandle || null, notes: values.notes });
  location.assign(`/contacts/${encodeURIComponent(contact.id)}`);
});

$('unknown-authors').addEventListener('click', (event) => {
  const button = event.target.closest('button.add-author');
  if (!button) return;
  void busy(button, 'Adding…', async () => {
    try {
      const { contact } = await api('POST', `/api/v1/x/unknown-authors/${encodeURIComponent(button.dataset.xUserId)}/add-contact`);
      location.assign(`/contacts/${encodeURIComponent(contact.id)}`);
    } catch (error) {
      say('page-message', `Perch could not add this person. ${failure(error)}`, { tone: 'error' });
    }
  });
});

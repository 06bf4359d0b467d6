/**
 * /contacts: Add contact (then open it), and "Add as contact" for people who mentioned the user.
 */
import type { Contact } from '@perch/shared';
import { api } from './api.ts';
import { onSubmit, startHeader } from './header.ts';
import { $, busy, closestTo, failure, say } from './ui.ts';

export function start(): void {
  startHeader();
  onSubmit($<HTMLFormElement>('add-contact-form'), 'Adding…', async (values) => {
    const contact = await api<Contact>('POST', '/api/v1/contacts', {
      name: values.name,
      xHandle: values.xHandle || null,
      notes: values.notes,
    });
    location.assign(`/contacts/${encodeURIComponent(contact.id)}`);
  });

  $('unknown-authors').addEventListener('click', (event) => {
    const button = closestTo<HTMLButtonElement>(event, 'button.add-author');
    if (!button) return;
    void busy(button, 'Adding…', async () => {
      try {
        const { contact } = await api<{ contact: Contact }>(
          'POST',
          `/api/v1/x/unknown-authors/${encodeURIComponent(button.dataset.xUserId ?? '')}/add-contact`,
        );
        location.assign(`/contacts/${encodeURIComponent(contact.id)}`);
      } catch (error) {
        say('page-message', `Perch could not add this person. ${failure(error)}`, {
          tone: 'error',
        });
      }
    });
  });
}

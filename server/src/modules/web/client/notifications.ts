/**
 * /notifications: Mark read (one) and Mark all read, updating the list and the header's unread badge in place.
 */
import type { UnreadCount } from '@perch/shared';
import { api } from './api.ts';
import { setUnreadCount, startHeader } from './header.ts';
import { $button, busy, closestTo, failure, say } from './ui.ts';

function showRead(item: Element) {
  item.setAttribute('data-read', 'true');
  item.querySelector('.notification-title .visually-hidden')?.remove();
  item.querySelector('button.mark-read')?.remove();
}

export function start(): void {
  startHeader();
  const markAll = $button('mark-all-read');
  markAll.addEventListener(
    'click',
    () =>
      void busy(markAll, 'Marking…', async () => {
        try {
          const { unreadCount } = await api<UnreadCount>('POST', '/api/v1/notifications/read-all');
          document.querySelectorAll('.notification').forEach(showRead);
          setUnreadCount(unreadCount);
        } catch (error) {
          say('page-message', `Perch could not mark them read. ${failure(error)}`, {
            tone: 'error',
          });
        }
      }).then(() => {
        markAll.disabled = document.querySelector('.notification[data-read="false"]') === null;
      }),
  );

  document.getElementById('notification-list')?.addEventListener('click', (event) => {
    const button = closestTo<HTMLButtonElement>(event, 'button.mark-read');
    if (!button) return;
    void busy(button, 'Marking…', async () => {
      try {
        const { unreadCount } = await api<UnreadCount>(
          'POST',
          `/api/v1/notifications/${encodeURIComponent(button.dataset.id ?? '')}/read`,
        );
        const item = button.closest('.notification');
        if (item) showRead(item);
        setUnreadCount(unreadCount);
        markAll.disabled = unreadCount === 0;
      } catch (error) {
        say('page-message', `Perch could not mark it read. ${failure(error)}`, { tone: 'error' });
      }
    });
  });
}

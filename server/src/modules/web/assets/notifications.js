/**
 * /notifications: Mark read (one) and Mark all read, updating the list and the header's unread badge in place.
 */
import { api } from './api.js';
import { setUnreadCount } from './header.js';
import { $, busy, failure, say } from './ui.js';

function showRead(item) {
  item.dataset.read = 'true';
  item.querySelector('.notification-title .visually-hidden')?.remove();
  item.querySelector('button.mark-read')?.remove();
}

$('mark-all-read').addEventListener('click', () =>
  void busy($('mark-all-read'), 'Marking…', async () => {
    try {
      const { unreadCount } = await api('POST', '/api/v1/notifications/read-all');
      document.querySelectorAll('.notification').forEach(showRead);
      setUnreadCount(unreadCount);
    } catch (error) {
      say('page-message', `Perch could not mark them read. ${failure(error)}`, { tone: 'error' });
    }
  }).then(() => {
    $('mark-all-read').disabled = document.querySelector('.notification[data-read="false"]') === null;
  }),
);

$('notification-list')?.addEventListener('click', (event) => {
  const button = event.target.closest('button.mark-read');
  if (!button) return;
  void busy(button, 'Marking…', async () => {
    try {
      const { unreadCount } = await api('POST', `/api/v1/notifications/${encodeURIComponent(button.dataset.id)}/read`);
      showRead(button.closest('.notification'));
      setUnreadCount(unreadCount);
      $('mark-all-read').disabled = unreadCount === 0;
    } catch (error) {
      say('page-message', `Perch could not mark it read. ${failure(error)}`, { tone: 'error' });
    }
  });
});

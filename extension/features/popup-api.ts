/** What the popup may ask the background: its view, a forced re-push (Refresh), manual pairing and unpairing. */
import { registerPopupHandlers, type MessageEvent } from '../utils/messaging';
import { loadView } from '../utils/view';
import type { CookiePush } from './cookie-push';
import type { Pairing } from './pairing';
import type { StatusRefresh } from './status-refresh';

export interface PopupApiDeps {
  onMessage: MessageEvent;
  pairing: Pairing;
  push: Pick<CookiePush, 'syncNow'>;
  statusRefresh: StatusRefresh;
}

export function registerPopupApi({ onMessage, pairing, push, statusRefresh }: PopupApiDeps): void {
  registerPopupHandlers(onMessage, {
    'popup.getView': async () => {
      await statusRefresh.refresh();
      return { ok: true, view: await loadView() };
    },
    'popup.refresh': async () => {
      // Force: re-send even an unchanged pair, so the server re-verifies it (the "X cookies expired" case).
      const outcome = await push.syncNow({ force: true });
      if (outcome === 'unchanged' || outcome === 'incomplete') await statusRefresh.refresh();
      return { ok: true, view: await loadView() };
    },
    'popup.pair': (message) => pairing.pair(message),
    'popup.unpair': () => pairing.unpair(),
  });
}

/**
 * Settings → the X row's Sync now button and the sync line under the row: queued, started, contacts done / total,
 * the last result, or why it stopped. Polled closely while a run is on.
 */
import type { SyncProgress } from '../../x-sync/x-sync.runner.ts';
import { api } from './api.ts';
import { timeElement } from './time.ts';
import { $, $button, failure, plural, say } from './ui.ts';

const syncPollMs = 1000;

interface SyncAnswer {
  progress: SyncProgress | null;
  waitingFor: string | null;
}

const syncBusy = (p: SyncProgress | null) => p?.status === 'queued' || p?.status === 'running';

/** "3 mentions, 1 reply, 2 bio changes" for what a run brought in, or "nothing new". */
export function syncCounts(p: SyncProgress): string {
  const done = new Map(p.outcomes.flatMap((o) => (o.ok ? [[o.sync, o] as const] : [])));
  const mentions = done.get('mentions');
  const replies = done.get('replies');
  const bios = done.get('bios');
  const counts: [number, string, string][] = [];
  if (mentions) counts.push([mentions.imported + (mentions.unknown ?? 0), 'mention', 'mentions']);
  if (replies) counts.push([replies.imported, 'reply', 'replies']);
  if (bios) counts.push([bios.imported, 'bio change', 'bio changes']);
  if (counts.every(([n]) => n === 0)) return 'nothing new';
  return counts.map(([n, one, many]) => plural(n, one, many)).join(', ');
}

export function createXSyncLine() {
  let version = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let starting = false;

  /** `waitingFor`: while a run is queued or running, what a new Sync now waits for (for a crashed run, its takeover). */
  function render(p: SyncProgress | null, waitingFor: string | null = null) {
    const line = $('x-sync');
    const button = $button('sync-x');
    line.hidden = !p;
    clearTimeout(timer);
    if (!p) {
      if (!starting) button.textContent = 'Sync now';
      button.disabled = starting;
      return;
    }
    const busy = syncBusy(p);
    button.disabled = busy || starting;
    button.setAttribute('aria-busy', String(busy || starting));
    button.textContent = busy || starting ? 'Syncing…' : 'Sync now';
    line.dataset.status = p.status;
    if (p.status === 'queued') {
      line.dataset.tone = 'idle';
      line.textContent = waitingFor ?? 'Sync queued; it starts in a moment.';
    } else if (p.status === 'running') {
      line.dataset.tone = 'idle';
      const bios = p.outcomes.length >= 2;
      line.replaceChildren(
        bios && p.contactsTotal > 0
          ? `Syncing: ${p.contactsDone} / ${p.contactsTotal} contacts checked today (started `
          : `Syncing ${bios ? 'contacts' : 'mentions and replies'} (started `,
        ...(p.startedAt ? [timeElement(p.startedAt)] : []),
        ')…',
        ...(waitingFor ? [' ', waitingFor] : []),
      );
    } else {
      const at = p.finishedAt ?? p.startedAt;
      // the day's round of bio checks may span several runs (X's limits): say how far it got
      const bios = p.outcomes.flatMap((o) =>
        o.sync === 'bios' && 'contactsTotal' in o && o.contactsTotal ? [o] : [],
      )[0];
      const round = bios
        ? ` Contacts checked today: ${bios.contactsDone} / ${bios.contactsTotal}.`
        : '';
      const result =
        p.status === 'failed'
          ? ` failed. ${p.error ?? ''}${round}`
          : `: ${syncCounts(p)}.${round}${p.error ? ` ${p.error}` : ''}`;
      line.dataset.tone = p.status === 'failed' ? 'error' : p.error ? 'warn' : 'ok';
      line.replaceChildren('Last sync ', ...(at ? [timeElement(at)] : []), result);
    }
    // while a run is on, follow it closely; the row's own poll picks up the rest
    if (busy && !document.hidden) timer = setTimeout(() => void refresh(), syncPollMs);
  }

  async function refresh() {
    const mine = ++version;
    try {
      const { progress, waitingFor } = await api<SyncAnswer>('GET', '/api/v1/x/sync');
      if (mine === version) render(progress, waitingFor);
    } catch {
      // the status poll says when the server cannot be reached
    }
  }

  async function syncNow() {
    starting = true;
    $button('sync-x').disabled = true;
    $('sync-x').textContent = 'Syncing…';
    try {
      const { progress, waitingFor } = await api<SyncAnswer>('POST', '/api/v1/x/sync');
      version++;
      starting = false;
      render(progress, waitingFor);
    } catch (error) {
      starting = false;
      say('x-message', `Perch could not start a sync. ${failure(error)}`, { tone: 'error' });
      await refresh();
    }
  }

  $('sync-x').addEventListener('click', () => void syncNow());
  return { refresh };
}

/**
 * Settings → Connected accounts, the "X direct messages" row: what is missing when the server has no X app,
 * Connect (to X's consent page and back), the status, Sync DMs now and Disconnect, and the sentence for
 * whatever the OAuth callback sent back (?x_dm=connected or ?x_dm_error=<code>).
 */
import {
  xDmCallbackSentences,
  xDmExpiredSentence,
  type XDmConnectStart,
  type XDmDisconnected,
  type XDmStatus,
  type XDmSyncResult,
} from '@perch/shared';
import { api } from './api.ts';
import { formatDate, timeElement } from './time.ts';
import { $, $button, busy, failure, idle, plural, say, type Tone } from './ui.ts';

const connectedSentence =
  'Connected: Perch can now read your X direct messages. The first sync has started.';

function describeSync(sync: XDmSyncResult | null): (string | Node)[] {
  if (!sync) return ['Not yet.'];
  if (sync.status === 'queued') return ['Queued…'];
  if (sync.status === 'running') return ['Running…'];
  const unplaced = sync.unplaced
    ? `, ${plural(sync.unplaced, 'message', 'messages')} X did not say whose (left out; the server log names them)`
    : '';
  const counts = `${plural(sync.imported, 'message', 'messages')} on contacts’ timelines, ${plural(sync.unknown, 'from someone', 'from people')} not in your contacts${unplaced}, ${plural(sync.requests, 'request', 'requests')} to X`;
  const when = sync.finishedAt ? [timeElement(sync.finishedAt), ': '] : [];
  if (sync.status === 'finished') return [...when, `${counts}.`];
  if (sync.status === 'paused')
    return [
      ...when,
      `paused (${counts}). X’s limit is used up for now; it goes on by itself${sync.resumeAt ? ` at ${formatDate(sync.resumeAt)}` : ''}.`,
    ];
  return [...when, sync.error ?? 'it failed.'];
}

function describeState(s: XDmStatus): {
  tone: Tone;
  chip: string;
  title: string;
  sentence: string;
} {
  if (!s.configured)
    return {
      tone: 'idle',
      chip: 'Off',
      title: 'Not set up',
      sentence:
        'This server has no X app yet, so it cannot read direct messages. The steps are below.',
    };
  if (s.state === 'connected')
    return {
      tone: 'ok',
      chip: 'Working',
      title: `Connected as @${s.handle}`,
      sentence:
        'Perch reads your direct messages once a day, and when you click Sync DMs now. It never sends any.',
    };
  if (s.state === 'expired')
    return {
      tone: 'error',
      chip: 'Needs you',
      title: 'Reconnect X direct messages',
      sentence: xDmExpiredSentence,
    };
  return {
    tone: 'idle',
    chip: 'Off',
    title: 'Not connected',
    sentence:
      'Connect to bring your X direct messages onto your contacts’ timelines. Perch only reads them.',
  };
}

/** `(when) => [time]`, or nothing for a missing time. */
const timeOf = (iso: string | null) => (iso ? [timeElement(iso)] : []);

export function createXDmRow() {
  let status: XDmStatus | null = null;
  let version = 0;

  function render(s: XDmStatus) {
    status = s;
    const d = describeState(s);
    $('x-dm-row').dataset.state = s.configured ? s.state : 'not_configured';
    $('x-dm-chip').dataset.tone = d.tone;
    $('x-dm-chip').textContent = d.chip;
    $('x-dm-state-title').textContent = d.title;
    $('x-dm-sentence').textContent = d.sentence;
    $('x-dm-setup').hidden = s.configured;
    $('x-dm-missing').textContent = s.missing.join(', ') || 'X_CLIENT_ID';
    $('x-dm-callback-url').textContent = s.callbackUrl;

    const stored = s.state !== 'not_connected';
    $('x-dm-details').hidden = !stored;
    if (stored) {
      $('x-dm-handle').textContent = `@${s.handle}`;
      $('x-dm-since').replaceChildren(...timeOf(s.connectedAt));
      const accessLive = s.accessExpiresAt !== null && Date.parse(s.accessExpiresAt) > Date.now();
      $('x-dm-access').replaceChildren(
        accessLive ? 'expires ' : 'expired ',
        ...timeOf(s.accessExpiresAt),
        ' (Perch renews it before then)',
      );
      $('x-dm-refresh').replaceChildren(
        'issued ',
        ...timeOf(s.refreshIssuedAt),
        s.refreshLastUsedAt ? '; last used ' : '; not used yet',
        ...timeOf(s.refreshLastUsedAt),
        '. X drops one left unused for about 6 months.',
      );
      $('x-dm-last-sync').replaceChildren(...describeSync(s.lastSync));
    }
    const connect = $button('connect-x-dm');
    if (idle(connect)) {
      connect.textContent = stored ? 'Reconnect' : 'Connect';
      connect.disabled = !s.configured;
    }
    if (idle($('sync-x-dm'))) $button('sync-x-dm').disabled = s.state !== 'connected';
    if (idle($('disconnect-x-dm'))) $button('disconnect-x-dm').disabled = !stored;
  }

  async function refresh() {
    const mine = ++version;
    try {
      const s = await api<XDmStatus>('GET', '/api/v1/x-dm/status');
      if (mine === version) render(s);
    } catch (error) {
      if (mine === version)
        say(
          'x-dm-message',
          `Perch could not load the X direct messages status. ${failure(error)}`,
          { tone: 'error', source: 'poll' },
        );
    }
  }
  const show = (s: XDmStatus) => {
    version++;
    render(s);
  };

  async function rowBusy(id: string, label: string, action: () => Promise<void>) {
    try {
      return await busy($button(id), label, action);
    } finally {
      if (status) render(status);
    }
  }

  $('connect-x-dm').addEventListener(
    'click',
    () =>
      void rowBusy('connect-x-dm', 'Opening X…', async () => {
        try {
          const { authorizeUrl } = await api<XDmConnectStart>('POST', '/api/v1/x-dm/connect');
          location.assign(authorizeUrl);
        } catch (error) {
          say('x-dm-message', `Perch could not start connecting. ${failure(error)}`, {
            tone: 'error',
          });
        }
      }),
  );
  $('sync-x-dm').addEventListener(
    'click',
    () =>
      void rowBusy('sync-x-dm', 'Starting…', async () => {
        try {
          show(await api<XDmStatus>('POST', '/api/v1/x-dm/sync'));
          say(
            'x-dm-message',
            'Syncing your direct messages; the result shows under Last DM sync.',
            { tone: 'ok' },
          );
        } catch (error) {
          say('x-dm-message', `Perch could not start the sync. ${failure(error)}`, {
            tone: 'error',
          });
        }
      }),
  );
  $('disconnect-x-dm').addEventListener(
    'click',
    () =>
      void rowBusy('disconnect-x-dm', 'Disconnecting…', async () => {
        try {
          const result = await api<XDmDisconnected>('DELETE', '/api/v1/x-dm');
          show(result.status);
          say('x-dm-message', result.sentence, { tone: result.revoked ? 'ok' : 'error' });
        } catch (error) {
          say('x-dm-message', `Perch could not disconnect. ${failure(error)}`, { tone: 'error' });
        }
      }),
  );

  // What the OAuth callback sent back; said once, then dropped from the address bar.
  const params = new URLSearchParams(location.search);
  const callbackError = params.get('x_dm_error');
  if (params.get('x_dm') === 'connected') say('x-dm-message', connectedSentence, { tone: 'ok' });
  else if (callbackError) {
    const sentences: Record<string, string> = xDmCallbackSentences;
    say(
      'x-dm-message',
      sentences[callbackError] ??
        'Connecting X direct messages did not work. Click Connect to try again.',
      { tone: 'error' },
    );
  }
  if (params.has('x_dm') || callbackError) history.replaceState(null, '', location.pathname);

  return { refresh };
}

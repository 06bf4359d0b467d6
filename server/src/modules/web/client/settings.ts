/**
 * /settings: the X row (polled every 3 s so it follows the extension), Connect X, Pair by hand, Check now and
 * Disconnect, Sync now (x-sync.ts), the X direct messages row (x-dm.ts), the publishing row (x-publishing.ts) and the devices table (devices.ts).
 * The row's words are describeConnection()'s, the same the extension's popup shows.
 */
import {
  describeConnection,
  extensionId,
  type ConnectionDescription,
  type ConnectionStatus,
  type PairingCode,
} from '@perch/shared';
import { api, request, sentence } from './api.ts';
import { createDevicesTable } from './devices.ts';
import { canMessageExtensions, sendToExtension, type ExtensionReply } from './extension.ts';
import { startHeader } from './header.ts';
import { timeElement } from './time.ts';
import { $, $button, busy, failure, idle, say } from './ui.ts';
import { createXDmRow } from './x-dm.ts';
import { createXPublishingRow } from './x-publishing.ts';
import { createXSyncLine } from './x-sync.ts';

const pollMs = 3000;
const pairedSentence = 'Extension paired. It sends your X cookies to Perch whenever they change.';

/** The chip beside the row's name. */
export function chipLabel(d: ConnectionDescription): string {
  if (d.tone === 'ok') return 'Working';
  if (d.tone === 'idle') return 'Off';
  return d.needsUser ? 'Needs you' : 'Paused';
}

/** The X row, filled in for `s`: describeConnection()'s words, the chip, and which buttons make sense. */
export function renderXRow(s: ConnectionStatus): ConnectionDescription {
  const d = describeConnection(s);
  $('x-row').dataset.state = s.state;
  $('x-state-title').textContent = d.title;
  $('x-state-sentence').textContent = d.sentence;
  $('x-chip').dataset.tone = d.tone;
  $('x-chip').textContent = chipLabel(d);
  $('x-handle').textContent = s.handle ? `@${s.handle}` : '';
  $('x-handle').hidden = !s.handle;
  if (s.checkedAt) $('x-checked-at').replaceChildren('Last checked ', timeElement(s.checkedAt));
  else $('x-checked-at').textContent = 'Not checked yet';

  if (idle($('connect-x')))
    $('connect-x').textContent = s.state === 'connected' ? 'Reconnect X' : 'Connect X';
  if (idle($('check-x'))) {
    // describeConnection() tells an expired user to "click Refresh": this is that button.
    $('check-x').textContent =
      d.action === 'refresh' && d.actionLabel ? d.actionLabel : 'Check now';
    $button('check-x').disabled = s.state === 'not_connected';
  }
  if (idle($('disconnect-x'))) $button('disconnect-x').disabled = s.state === 'not_connected';
  $('sync-x').hidden = s.state !== 'connected';
  $('x-open').hidden = !(d.action === 'refresh' || d.action === 'sign_in_to_x');
  $('x-open').textContent =
    d.action === 'sign_in_to_x' && d.actionLabel ? d.actionLabel : 'Open x.com';
  return d;
}

/** Why Connect X could not pair through the extension, and what to do instead. */
export function connectHelpReason(
  reply: Exclude<ExtensionReply, { ok: true }> | { ok: false; missing: true; chromeError?: string },
): string {
  if ('missing' in reply && reply.missing) {
    const reason =
      'This page could not reach the Perch extension: it is not installed in this browser, or not built for this address.';
    return reply.chromeError ? `${reason} Chrome said: ${sentence(reply.chromeError)}` : reason;
  }
  return `The extension answered but could not pair: ${sentence(('error' in reply && reply.error) || 'it gave no reason')}`;
}

export function start(): void {
  startHeader();

  // ---- the X row ----------------------------------------------------------------------------------------

  let status: ConnectionStatus | null = null;
  let statusVersion = 0; // a slow, older poll never overwrites a newer answer

  const renderStatus = (s: ConnectionStatus) => {
    status = s;
    renderXRow(s);
  };

  async function refreshStatus() {
    const mine = ++statusVersion;
    try {
      const s = await api<ConnectionStatus>('GET', '/api/v1/x/status');
      if (mine !== statusVersion) return;
      renderStatus(s);
      // A poll's error is over once a poll works; a Check now or Disconnect result is stale once the state moves on.
      const message = $('x-message');
      if (
        message.dataset.source === 'poll' ||
        (message.dataset.forState && message.dataset.forState !== s.state)
      )
        say('x-message', '');
    } catch (error) {
      if (mine !== statusVersion) return;
      say('x-message', `Perch could not load the X status. ${failure(error)}`, {
        tone: 'error',
        source: 'poll',
      });
    }
  }

  /** Shows a status an action returned, ahead of any poll still in flight. */
  function showStatus(s: ConnectionStatus) {
    statusVersion++;
    renderStatus(s);
  }

  /** Says the result of an action about the status now shown; a poll clears it when the state changes. */
  function sayAboutStatus(text: string) {
    say('x-message', text);
    $('x-message').dataset.forState = status?.state ?? '';
  }

  /** busy() for the row's buttons: their labels and disabled states follow the status afterwards. */
  async function rowBusy(id: string, label: string, action: () => Promise<void>) {
    try {
      return await busy($button(id), label, action);
    } finally {
      if (status) renderStatus(status);
    }
  }

  // ---- Connect X and Pair by hand -----------------------------------------------------------------------

  function showConnectHelp(reply: Parameters<typeof connectHelpReason>[0]) {
    $('connect-help-reason').textContent = connectHelpReason(reply);
    $('connect-help-origin').textContent = location.origin;
    $('connect-help-origin-env').textContent = location.origin;
    $('connect-help').hidden = false;
  }

  async function connectX() {
    say('x-message', '');
    $('connect-help').hidden = true;
    await rowBusy('connect-x', 'Connecting…', async () => {
      // Without chrome.runtime no extension can answer, so there is no point spending a pairing code.
      if (!canMessageExtensions()) return showConnectHelp({ ok: false, missing: true });
      let pairing: PairingCode;
      try {
        pairing = await api<PairingCode>('POST', '/api/v1/pairing-codes');
      } catch (error) {
        return say('x-message', `Perch could not create a pairing code. ${failure(error)}`, {
          tone: 'error',
        });
      }
      const reply = await sendToExtension(extensionId, {
        type: 'perch.pair',
        serverUrl: location.origin,
        code: pairing.code,
      });
      if (!reply.ok) return showConnectHelp(reply as Parameters<typeof connectHelpReason>[0]);
      hidePairing();
      say('x-message', pairedSentence, { tone: 'ok' });
      await Promise.all([refreshStatus(), devices.refresh()]);
    });
  }

  let countdown: ReturnType<typeof setInterval> | undefined;
  let pairingSince: number | null = null; // server time the shown code was made, to notice the device it pairs

  function hidePairing() {
    clearInterval(countdown);
    pairingSince = null;
    $('pairing').hidden = true;
  }

  async function showCode() {
    await busy($button('show-code'), 'Creating code…', async () => {
      let pairing: PairingCode;
      let response: Response;
      try {
        ({ body: pairing, response } = await request<PairingCode>('POST', '/api/v1/pairing-codes'));
      } catch (error) {
        return say('x-message', `Perch could not create a pairing code. ${failure(error)}`, {
          tone: 'error',
        });
      }
      // Count down on the server's clock: its Date header tells how far this browser's clock is off.
      const serverNow = Date.parse(response.headers.get('date') ?? '');
      const skew = Number.isFinite(serverNow) ? serverNow - Date.now() : 0;
      const expiresAt = Date.parse(pairing.expiresAt) - skew;
      pairingSince = Date.now() + skew - 5000;
      $('pairing-code').textContent = pairing.code;
      $('pairing-code').classList.remove('expired');
      $('pairing-server-url').textContent = location.origin;
      $('pairing').hidden = false;
      clearInterval(countdown);
      const tick = () => {
        const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
        if (left > 0) {
          $('pairing-expires').textContent =
            `Expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}.`;
          return;
        }
        clearInterval(countdown);
        $('pairing-code').classList.add('expired');
        $('pairing-expires').textContent =
          'This code has expired. Click Pair by hand for a new one.';
      };
      tick();
      countdown = setInterval(tick, 1000);
    });
  }

  // ---- Check now, Disconnect ----------------------------------------------------------------------------

  async function checkNow() {
    await rowBusy('check-x', 'Checking…', async () => {
      try {
        const s = await api<ConnectionStatus>('POST', '/api/v1/x/check');
        showStatus(s);
        sayAboutStatus(`Checked with X just now: ${sentence(describeConnection(s).title)}`);
      } catch (error) {
        say('x-message', `Perch could not check with X. ${failure(error)}`, { tone: 'error' });
      }
    });
  }

  async function disconnect() {
    await rowBusy('disconnect-x', 'Disconnecting…', async () => {
      try {
        showStatus(await api<ConnectionStatus>('DELETE', '/api/v1/x/cookies'));
        sayAboutStatus(
          'Disconnected: Perch deleted the X cookies it held. A paired extension sends new ones when your X cookies change; revoke it under Devices to stop that.',
        );
      } catch (error) {
        say('x-message', `Perch could not disconnect X. ${failure(error)}`, { tone: 'error' });
      }
    });
  }

  // ---- wiring -------------------------------------------------------------------------------------------

  const devices = createDevicesTable({
    onChange(list) {
      // A device paired while the code was on screen: the code has done its job.
      if (
        pairingSince !== null &&
        list.some((d) => !d.revokedAt && Date.parse(d.createdAt) >= pairingSince!)
      ) {
        hidePairing();
        say('x-message', pairedSentence, { tone: 'ok' });
      }
    },
  });
  const syncLine = createXSyncLine();
  const xDmRow = createXDmRow();
  const publishingRow = createXPublishingRow();

  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  async function poll() {
    clearTimeout(pollTimer);
    await Promise.all([
      refreshStatus(),
      devices.refresh(),
      syncLine.refresh(),
      xDmRow.refresh(),
      publishingRow.refresh(),
    ]);
    clearTimeout(pollTimer);
    if (!document.hidden) pollTimer = setTimeout(poll, pollMs);
  }

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(pollTimer);
    else void poll();
  });

  $('connect-x').addEventListener('click', () => void connectX());
  $('check-x').addEventListener('click', () => void checkNow());
  $('disconnect-x').addEventListener('click', () => void disconnect());
  $('show-code').addEventListener('click', () => void showCode());
  $('hide-code').addEventListener('click', hidePairing);

  void poll();
}

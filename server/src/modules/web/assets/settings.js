/**
 * The settings page: the X row (polled every 3 s so it follows the extension), Connect X, Sync now with its
 * progress, Pair by hand, the X direct messages row (x-dm.js), the devices table and Sign out. Words come from
 * the server's describeConnection() table in #perch-config.
 */
import { api, request, sentence } from './api.js';
import { describeStatus } from './connection-words.js';
import { createDevicesTable } from './devices.js';
import { canMessageExtensions, sendToExtension } from './extension.js';
// The header (Sign out, local times) behaves the same on every signed-in page.
import './header.js';
import { $, busy, failure, formatDate, formatRelative, say } from './ui.js';
import { createXDmRow } from './x-dm.js';

const config = JSON.parse($('perch-config').textContent);
const pollMs = 3000;
const pairedSentence = 'Extension paired. It sends your X cookies to Perch whenever they change.';

// ---- the X row ------------------------------------------------------------------------------------------

let status = null;
let statusVersion = 0; // a slow, older poll never overwrites a newer answer

function chipLabel(d) {
  if (d.tone === 'ok') return 'Working';
  if (d.tone === 'idle') return 'Off';
  return d.needsUser ? 'Needs you' : 'Paused';
}

function renderStatus(s) {
  status = s;
  const d = describeStatus(config.words, s);
  $('x-row').dataset.state = s.state;
  $('x-state-title').textContent = d.title;
  $('x-state-sentence').textContent = d.sentence;
  $('x-chip').dataset.tone = d.tone;
  $('x-chip').textContent = chipLabel(d);
  $('x-handle').textContent = s.handle ? `@${s.handle}` : '';
  $('x-handle').hidden = !s.handle;

  if (s.checkedAt) {
    const time = document.createElement('time');
    time.dateTime = s.checkedAt;
    time.title = formatDate(s.checkedAt);
    time.textContent = formatRelative(s.checkedAt);
    $('x-checked-at').replaceChildren('Last checked ', time);
  } else {
    $('x-checked-at').textContent = 'Not checked yet';
  }

  const idle = (button) => button.getAttribute('aria-busy') !== 'true';
  if (idle($('connect-x'))) $('connect-x').textContent = s.state === 'connected' ? 'Reconnect X' : 'Connect X';
  if (idle($('check-x'))) {
    // describeConnection() tells an expired user to "click Refresh": this is that button.
    $('check-x').textContent = d.action === 'refresh' && d.actionLabel ? d.actionLabel : 'Check now';
    $('check-x').disabled = s.state === 'not_connected';
  }
  if (idle($('disconnect-x'))) $('disconnect-x').disabled = s.state === 'not_connected';
  $('sync-x').hidden = s.state !== 'connected';
  $('x-open').hidden = !(d.action === 'refresh' || d.action === 'sign_in_to_x');
  $('x-open').textContent = d.action === 'sign_in_to_x' && d.actionLabel ? d.actionLabel : 'Open x.com';
}

async function refreshStatus() {
  const mine = ++statusVersion;
  try {
    const s = await api('GET', '/api/v1/x/status');
    if (mine !== statusVersion) return;
    renderStatus(s);
    // A poll's error is over once a poll works; a Check now or Disconnect result is stale once the state moves on.
    const message = $('x-message');
    if (message.dataset.source === 'poll' || (message.dataset.forState && message.dataset.forState !== s.state)) {
      say('x-message', '');
    }
  } catch (error) {
    if (mine !== statusVersion) return;
    say('x-message', `Perch could not load the X status. ${failure(error)}`, { tone: 'error', source: 'poll' });
  }
}

/** Shows a status an action returned, ahead of any poll still in flight. */
function showStatus(s) {
  statusVersion++;
  renderStatus(s);
}

/** Says the result of an action about the status now shown; a poll clears it when the state changes. */
function sayAboutStatus(text, tone) {
  say('x-message', text, { tone });
  $('x-message').dataset.forState = status?.state ?? '';
}

/** busy() for the row's buttons: their labels and disabled states follow the status afterwards. */
async function rowBusy(button, label, action) {
  try {
    return await busy(button, label, action);
  } finally {
    if (status) renderStatus(status);
  }
}

// ---- Connect X and Pair by hand -------------------------------------------------------------------------

function showConnectHelp(reply) {
  let reason;
  if (reply.missing) {
    reason = 'This page could not reach the Perch extension: it is not installed in this browser, or not built for this address.';
    if (reply.chromeError) reason += ` Chrome said: ${sentence(reply.chromeError)}`;
  } else {
    reason = `The extension answered but could not pair: ${sentence(reply.error || 'it gave no reason')}`;
  }
  $('connect-help-reason').textContent = reason;
  $('connect-help-origin').textContent = location.origin;
  $('connect-help-origin-env').textContent = location.origin;
  $('connect-help').hidden = false;
}

async function connectX() {
  say('x-message', '');
  $('connect-help').hidden = true;
  await rowBusy($('connect-x'), 'Connecting…', async () => {
    // Without chrome.runtime no extension can answer, so there is no point spending a pairing code.
    if (!canMessageExtensions()) return showConnectHelp({ ok: false, missing: true });
    let pairing;
    try {
      pairing = await api('POST', '/api/v1/pairing-codes');
    } catch (error) {
      return say('x-message', `Perch could not create a pairing code. ${failure(error)}`, { tone: 'error' });
    }
    const reply = await sendToExtension(config.extensionId, { type: 'perch.pair', serverUrl: location.origin, code: pairing.code });
    if (!reply.ok) return showConnectHelp(reply);
    hidePairing();
    say('x-message', pairedSentence, { tone: 'ok' });
    await Promise.all([refreshStatus(), devices.refresh()]);
  });
}

let countdown = null;
let pairingSince = null; // server time the shown code was made, to notice the device it pairs

function hidePairing() {
  clearInterval(countdown);
  pairingSince = null;
  $('pairing').hidden = true;
}

async function showCode() {
  await busy($('show-code'), 'Creating code…', async () => {
    let pairing;
    let response;
    try {
      ({ body: pairing, response } = await request('POST', '/api/v1/pairing-codes'));
    } catch (error) {
      return say('x-message', `Perch could not create a pairing code. ${failure(error)}`, { tone: 'error' });
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
        $('pairing-expires').textContent = `Expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}.`;
        return;
      }
      clearInterval(countdown);
      $('pairing-code').classList.add('expired');
      $('pairing-expires').textContent = 'This code has expired. Click Pair by hand for a new one.';
    };
    tick();
    countdown = setInterval(tick, 1000);
  });
}

// ---- Check now, Disconnect, Sign out --------------------------------------------------------------------

async function checkNow() {
  await rowBusy($('check-x'), 'Checking…', async () => {
    try {
      const s = await api('POST', '/api/v1/x/check');
      showStatus(s);
      sayAboutStatus(`Checked with X just now: ${sentence(describeStatus(config.words, s).title)}`);
    } catch (error) {
      say('x-message', `Perch could not check with X. ${failure(error)}`, { tone: 'error' });
    }
  });
}

async function disconnect() {
  await rowBusy($('disconnect-x'), 'Disconnecting…', async () => {
    try {
      showStatus(await api('DELETE', '/api/v1/x/cookies'));
      sayAboutStatus(
        'Disconnected: Perch deleted the X cookies it held. A paired extension sends new ones when your X cookies change; revoke it under Devices to stop that.',
      );
    } catch (error) {
      say('x-message', `Perch could not disconnect X. ${failure(error)}`, { tone: 'error' });
    }
  });
}

// ---- Sync now ---------------------------------------------------------------------------------------------

const syncPollMs = 1000;
let syncVersion = 0;
let syncTimer = null;
let syncStarting = false;

const syncBusy = (p) => p?.status === 'queued' || p?.status === 'running';
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function timeElement(iso) {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.title = formatDate(iso);
  time.textContent = formatRelative(iso);
  return time;
}

/** "3 mentions, 1 reply, 2 bio changes" for what a run brought in, or "nothing new". */
function syncCounts(p) {
  const done = Object.fromEntries(p.outcomes.filter((o) => o.ok).map((o) => [o.sync, o]));
  const counts = [
    done.mentions && [done.mentions.imported + (done.mentions.unknown ?? 0), 'mention', 'mentions'],
    done.replies && [done.replies.imported, 'reply', 'replies'],
    done.bios && [done.bios.imported, 'bio change', 'bio changes'],
  ].filter(Boolean);
  if (counts.every(([n]) => n === 0)) return 'nothing new';
  return counts.map(([n, one, many]) => plural(n, one, many)).join(', ');
}

/** The sync line under the row: queued, started, contacts done / total, the last result, or why it stopped. */
/** `waitingFor`: while a run is queued or running, what a new Sync now waits for (a crashed run: its takeover). */
function renderSync(p, waitingFor = null) {
  const line = $('x-sync');
  const button = $('sync-x');
  line.hidden = !p;
  clearTimeout(syncTimer);
  if (!p) {
    if (!syncStarting) button.textContent = 'Sync now';
    button.disabled = syncStarting;
    return;
  }
  const busy = syncBusy(p);
  button.disabled = busy || syncStarting;
  button.setAttribute('aria-busy', String(busy || syncStarting));
  button.textContent = busy || syncStarting ? 'Syncing…' : 'Sync now';
  line.dataset.status = p.status;
  if (p.status === 'queued') {
    line.dataset.tone = 'idle';
    line.textContent = 'Sync queued; it starts in a moment.';
  } else if (p.status === 'running') {
    line.dataset.tone = 'idle';
    const bios = p.outcomes.length >= 2;
    line.replaceChildren(
      bios && p.contactsTotal > 0
        ? `Syncing: ${p.contactsDone} / ${p.contactsTotal} contacts checked today (started `
        : `Syncing ${bios ? 'contacts' : 'mentions and replies'} (started `,
      timeElement(p.startedAt),
      ')…',
      ...(waitingFor ? [' ', waitingFor] : []),
    );
  } else {
    const at = p.finishedAt ?? p.startedAt;
    // the day's round of bio checks may span several runs (X's limits): say how far it got
    const bios = p.outcomes.find((o) => o.sync === 'bios' && o.contactsTotal > 0);
    const round = bios ? ` Contacts checked today: ${bios.contactsDone} / ${bios.contactsTotal}.` : '';
    const result = p.status === 'failed' ? ` failed. ${p.error ?? ''}${round}` : `: ${syncCounts(p)}.${round}${p.error ? ` ${p.error}` : ''}`;
    line.dataset.tone = p.status === 'failed' ? 'error' : p.error ? 'warn' : 'ok';
    line.replaceChildren('Last sync ', ...(at ? [timeElement(at)] : []), result);
  }
  // while a run is on, follow it closely; the row's own poll picks up the rest
  if (busy && !document.hidden) syncTimer = setTimeout(() => void refreshSync(), syncPollMs);
}

async function refreshSync() {
  const mine = ++syncVersion;
  try {
    const { progress, waitingFor } = await api('GET', '/api/v1/x/sync');
    if (mine === syncVersion) renderSync(progress, waitingFor);
  } catch {
    // the status poll says when the server cannot be reached
  }
}

async function syncNow() {
  syncStarting = true;
  $('sync-x').disabled = true;
  $('sync-x').textContent = 'Syncing…';
  try {
    const { progress, waitingFor } = await api('POST', '/api/v1/x/sync');
    syncVersion++;
    syncStarting = false;
    renderSync(progress, waitingFor);
  } catch (error) {
    syncStarting = false;
    say('x-message', `Perch could not start a sync. ${failure(error)}`, { tone: 'error' });
    await refreshSync();
  }
}

// ---- wiring ---------------------------------------------------------------------------------------------

const devices = createDevicesTable({
  onChange(list) {
    // A device paired while the code was on screen: the code has done its job.
    if (pairingSince !== null && list.some((d) => !d.revokedAt && Date.parse(d.createdAt) >= pairingSince)) {
      hidePairing();
      say('x-message', pairedSentence, { tone: 'ok' });
    }
  },
});

const xDmRow = createXDmRow(config);

let pollTimer = null;

async function poll() {
  clearTimeout(pollTimer);
  await Promise.all([refreshStatus(), devices.refresh(), refreshSync(), xDmRow.refresh()]);
  clearTimeout(pollTimer);
  if (!document.hidden) pollTimer = setTimeout(poll, pollMs);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(pollTimer);
  else void poll();
});

$('connect-x').addEventListener('click', () => void connectX());
$('check-x').addEventListener('click', () => void checkNow());
$('sync-x').addEventListener('click', () => void syncNow());
$('disconnect-x').addEventListener('click', () => void disconnect());
$('show-code').addEventListener('click', () => void showCode());
$('hide-code').addEventListener('click', hidePairing);

void poll();

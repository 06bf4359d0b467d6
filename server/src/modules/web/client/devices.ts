/**
 * The Devices table on /settings: GET /api/v1/devices, one row per device (data-device-id), Revoke for active ones.
 */
import type { Device } from '@perch/shared';
import { api } from './api.ts';
import { formatDate, timeElement } from './time.ts';
import { $, busy, closestTo, failure, say } from './ui.ts';

function cell(text: string, className?: string) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function timeCell(iso: string | null, fallback: string) {
  const td = document.createElement('td');
  if (iso) td.append(timeElement(iso, 'date'));
  else td.textContent = fallback;
  return td;
}

function deviceRow(device: Device) {
  const tr = document.createElement('tr');
  const revoked = Boolean(device.revokedAt);
  tr.dataset.deviceId = device.id;
  tr.dataset.status = revoked ? 'revoked' : 'active';
  const chip = document.createElement('span');
  chip.className = 'chip';
  chip.dataset.tone = revoked ? 'idle' : 'ok';
  chip.textContent = revoked ? 'revoked' : 'active';
  if (device.revokedAt) chip.title = `Revoked ${formatDate(device.revokedAt)}`;
  const statusCell = document.createElement('td');
  statusCell.append(chip);
  const actionCell = document.createElement('td');
  actionCell.className = 'row-action';
  if (!revoked) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'revoke-device danger small';
    button.dataset.deviceId = device.id;
    button.textContent = 'Revoke';
    button.setAttribute('aria-label', `Revoke ${device.name}`);
    actionCell.append(button);
  }
  tr.append(
    cell(device.name, 'device-name'),
    timeCell(device.createdAt, ''),
    timeCell(device.lastUsedAt, 'never'),
    statusCell,
    actionCell,
  );
  return tr;
}

/** Wires the table; `onChange(devices)` runs whenever the list differs from the one on screen. */
export function createDevicesTable({
  onChange = () => {},
}: { onChange?: (devices: Device[]) => void } = {}) {
  let shownKey: string | null = null;
  let version = 0; // a slow, older answer never overwrites a newer one

  function render(devices: Device[]) {
    const key = JSON.stringify(devices);
    if (key === shownKey) return; // re-rendering an unchanged table would steal focus from its buttons
    shownKey = key;
    $('devices-body').replaceChildren(...devices.map(deviceRow));
    $('devices-table').hidden = devices.length === 0;
    $('devices-empty').hidden = devices.length > 0;
    onChange(devices);
  }

  async function refresh() {
    const mine = ++version;
    try {
      const { devices } = await api<{ devices: Device[] }>('GET', '/api/v1/devices');
      if (mine !== version) return;
      render(devices);
      if ($('devices-message').dataset.source === 'poll') say('devices-message', '');
    } catch (error) {
      if (mine !== version) return;
      say('devices-message', `Perch could not load the devices. ${failure(error)}`, {
        tone: 'error',
        source: 'poll',
      });
    }
  }

  async function revoke(button: HTMLButtonElement) {
    const name = button.closest('tr')?.querySelector('.device-name')?.textContent ?? 'the device';
    await busy(button, 'Revoking…', async () => {
      try {
        await api('DELETE', `/api/v1/devices/${encodeURIComponent(button.dataset.deviceId ?? '')}`);
        say('devices-message', `Revoked “${name}”. It can no longer send cookies to Perch.`);
      } catch (error) {
        say('devices-message', `Perch could not revoke “${name}”. ${failure(error)}`, {
          tone: 'error',
        });
      }
    });
    await refresh();
  }

  $('devices-body').addEventListener('click', (event) => {
    const button = closestTo<HTMLButtonElement>(event, 'button.revoke-device');
    if (button) void revoke(button);
  });

  return { refresh };
}

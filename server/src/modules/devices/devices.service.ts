import { randomInt } from 'node:crypto';
import { pairingCodeAlphabet, type Device } from '@perch/shared';
import { ProblemError } from '../../lib/http-problem.ts';
import { isUuid, sha256 } from '../../lib/ids.ts';
import type { DeviceTokens } from '../secrets/device-tokens.ts';
import type { DeviceQueries } from './devices.queries.ts';

export const pairingCodeLifetimeMs = 5 * 60_000;
// A busy device reports every few seconds; recording each use would write on every push.
const lastUsedResolutionMs = 60_000;

export type DevicesService = ReturnType<typeof createDevicesService>;

type DeviceRow = NonNullable<Awaited<ReturnType<DeviceQueries['redeemPairingCode']>>>;

export const toDevice = (row: DeviceRow): Device => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export function createDevicesService({
  deviceQueries,
  deviceTokens,
  now,
}: {
  deviceQueries: DeviceQueries;
  deviceTokens: DeviceTokens;
  now: () => Date;
}) {
  return {
    async createPairingCode(userId: string) {
      const raw = Array.from(
        { length: 8 },
        () => pairingCodeAlphabet[randomInt(pairingCodeAlphabet.length)],
      ).join('');
      const expiresAt = new Date(now().getTime() + pairingCodeLifetimeMs);
      await deviceQueries.insertPairingCode({ codeHash: sha256(raw), userId, expiresAt });
      return { code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt: expiresAt.toISOString() };
    },

    /** Trades a pairing code (already normalised) for a device and its token. */
    async redeemPairingCode(code: string, deviceName: string) {
      const codeHash = sha256(code);
      const device = await deviceQueries.redeemPairingCode(codeHash, now(), deviceName);
      if (!device) {
        const known = await deviceQueries.findPairingCode(codeHash);
        if (known?.usedAt)
          throw new ProblemError(
            410,
            'pairing.used',
            'Pairing code already used',
            'This pairing code was already used. Create a new one on the settings page.',
          );
        if (known)
          throw new ProblemError(
            410,
            'pairing.expired',
            'Pairing code expired',
            'This pairing code has expired (codes last 5 minutes). Create a new one on the settings page.',
          );
        throw new ProblemError(
          400,
          'pairing.unknown',
          'Unknown pairing code',
          'This pairing code is not right. Check it on the settings page.',
        );
      }
      const deviceToken = await deviceTokens.sign({ userId: device.userId, deviceId: device.id });
      return { deviceToken, device: toDevice(device) };
    },

    /** The device a token stands for, or why it stands for none. Records the use. */
    async authenticate(token: string) {
      const claims = await deviceTokens.verify(token).catch(() => null);
      if (!claims)
        throw new ProblemError(
          401,
          'device.invalid_token',
          'Invalid device token',
          'This browser’s pairing with Perch is not valid. Pair it again.',
        );
      const device = await deviceQueries.findActiveDevice(claims.deviceId, claims.userId);
      if (!device)
        throw new ProblemError(
          401,
          'device.revoked',
          'Device revoked',
          'This browser was disconnected from Perch. Pair it again from the settings page.',
        );
      const at = now();
      if (!device.lastUsedAt || at.getTime() - device.lastUsedAt.getTime() > lastUsedResolutionMs) {
        await deviceQueries.touchDevice(device.id, at);
      }
      return { id: device.id, userId: device.userId };
    },

    listDevices: async (userId: string) => (await deviceQueries.listDevices(userId)).map(toDevice),

    async revokeDevice(userId: string, deviceId: string) {
      if (!isUuid(deviceId) || !(await deviceQueries.revokeDevice(deviceId, userId, now()))) {
        throw new ProblemError(
          404,
          'device.not_found',
          'Device not found',
          'No active device with this id belongs to you.',
        );
      }
    },
  };
}

import { Hono } from 'hono';
import { RedeemPairingCode } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { validJson } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { DevicesService } from './devices.service.ts';
import type { Throttle, ThrottleRule } from '../throttle/throttle.service.ts';

/** Failed redemptions (unknown, used or expired codes) from one client address. */
export const redeemAddressRule: ThrottleRule = { scope: 'pairing:address', windowMs: 15 * 60_000, limit: 10, what: 'failed pairing attempts' };

export function createPairingCodeRoutes({ devices }: { devices: DevicesService }) {
  return new Hono<AppEnv>().post('/', requireUser, async (c) => c.json(await devices.createPairingCode(c.var.user!.id), 201));
}

export function createDevicesRoutes({ devices, throttle }: { devices: DevicesService; throttle: Throttle }) {
  const redeemThrottle = throttle.limiter<AppEnv>(redeemAddressRule, { key: throttle.clientAddress, counts: (c) => c.res.status >= 400 });
  return new Hono<AppEnv>()
    .post('/', redeemThrottle, validJson(RedeemPairingCode), async (c) => {
      const { code, deviceName } = c.req.valid('json');
      const result = await devices.redeemPairingCode(code, deviceName);
      c.var.log.info({ deviceId: result.device.id }, 'device paired');
      return c.json(result, 201);
    })
    // Unpaged, unlike contacts and timelines (issue 9): a device exists only because its user typed a pairing code
    // into one browser, so a user has a handful, not thousands.
    .get('/', requireUser, async (c) => c.json({ devices: await devices.listDevices(c.var.user!.id) }))
    .delete('/:id', requireUser, async (c) => {
      await devices.revokeDevice(c.var.user!.id, c.req.param('id'));
      c.var.log.info({ deviceId: c.req.param('id') }, 'device revoked');
      return c.body(null, 204);
    });
}

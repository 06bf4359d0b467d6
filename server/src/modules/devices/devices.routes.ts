import { Hono } from 'hono';
import { DeviceList, DeviceToken, PairingCode, RedeemPairingCode } from '@perch/shared';
import { z } from 'zod';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, json, pathParam, problem, empty } from '../../lib/api-docs.ts';
import { validJson } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { DevicesService } from './devices.service.ts';
import type { Throttle, ThrottleRule } from '../throttle/throttle.service.ts';

/** Failed redemptions (unknown, used or expired codes) from one client address. */
export const redeemAddressRule: ThrottleRule = {
  scope: 'pairing:address',
  windowMs: 15 * 60_000,
  limit: 10,
  what: 'failed pairing attempts',
};

export function createPairingCodeRoutes({ devices }: { devices: DevicesService }) {
  return new Hono<AppEnv>()
    .post(
      '/',
      describeRoute({
        summary: 'Create a single-use pairing code (5 minutes)',
        security: bySession,
        responses: { 201: json('Code', PairingCode), 401: problem('Not signed in') },
      }),
    )
    .post('/', requireUser, async (c) =>
      c.json(await devices.createPairingCode(c.var.user!.id), 201),
    );
}

export function createDevicesRoutes({
  devices,
  throttle,
}: {
  devices: DevicesService;
  throttle: Throttle;
}) {
  const redeemThrottle = throttle.limiter<AppEnv>(redeemAddressRule, {
    key: throttle.clientAddress,
    counts: (c) => c.res.status >= 400,
  });
  return (
    new Hono<AppEnv>()
      .post(
        '/',
        describeRoute({
          summary: 'Trade a pairing code for a device token',
          responses: {
            201: json('Paired', DeviceToken),
            400: problem('Invalid or unknown code'),
            410: problem('Used or expired code'),
            429: problem(
              'Too many failed codes from this address; Retry-After says when to try again',
            ),
          },
        }),
      )
      .post('/', redeemThrottle, validJson(RedeemPairingCode), async (c) => {
        const { code, deviceName } = c.req.valid('json');
        const result = await devices.redeemPairingCode(code, deviceName);
        c.var.log.info({ deviceId: result.device.id }, 'device paired');
        return c.json(result, 201);
      })
      // Unpaged, unlike contacts and timelines (issue 9): a device exists only because its user typed a pairing code
      // into one browser, so a user has a handful, not thousands.
      .get(
        '/',
        describeRoute({
          summary: 'List paired devices',
          security: bySession,
          responses: { 200: json('Devices', DeviceList), 401: problem('Not signed in') },
        }),
      )
      .get('/', requireUser, async (c) =>
        c.json({ devices: await devices.listDevices(c.var.user!.id) }),
      )
      .delete(
        '/:id',
        describeRoute({
          summary: 'Revoke a device',
          security: bySession,
          parameters: [pathParam('id', z.uuid())],
          responses: {
            204: empty('Revoked'),
            401: problem('Not signed in'),
            404: problem('No such device'),
          },
        }),
      )
      .delete('/:id', requireUser, async (c) => {
        await devices.revokeDevice(c.var.user!.id, c.req.param('id'));
        c.var.log.info({ deviceId: c.req.param('id') }, 'device revoked');
        return c.body(null, 204);
      })
  );
}

import { Hono } from 'hono';
import { ConnectionStatus, XCookiePair } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import {
  byDevice,
  byDeviceOrSession,
  bySession,
  describeRoute,
  json,
  problem,
} from '../../lib/api-docs.ts';
import { ProblemError, problems } from '../../lib/http-problem.ts';
import { validJson } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { XConnectionService } from './x-connection.service.ts';

const requireDevice = (c: { var: AppEnv['Variables'] }) => {
  if (!c.var.device)
    throw new ProblemError(
      401,
      'device.required',
      'Device token required',
      'Only a paired browser extension can send X cookies.',
    );
  return c.var.device.userId;
};

const status = json('Connection status', ConnectionStatus);

export function createXConnectionRoutes({ xConnection }: { xConnection: XConnectionService }) {
  return new Hono<AppEnv>()
    .get(
      '/status',
      describeRoute({
        summary: 'The X connection state',
        security: byDeviceOrSession,
        responses: { 200: status, 401: problem('Not authenticated') },
      }),
    )
    .get('/status', async (c) => {
      const userId = c.var.device?.userId ?? c.var.user?.id;
      if (!userId) throw problems.unauthenticated();
      return c.json(await xConnection.status(userId));
    })
    .put(
      '/cookies',
      describeRoute({
        summary: 'Store the browser’s current X cookies (verified with X when they changed)',
        security: byDevice,
        responses: { 200: status, 401: problem('No device token, or an invalid or revoked one') },
      }),
    )
    .put('/cookies', validJson(XCookiePair), async (c) =>
      c.json(await xConnection.pushCookies(requireDevice(c), c.req.valid('json'))),
    )
    .delete(
      '/cookies',
      describeRoute({
        summary:
          'Device: the browser signed out of X. Session: disconnect. Both delete the stored cookies.',
        security: byDeviceOrSession,
        responses: { 200: status, 401: problem('Not authenticated') },
      }),
    )
    .delete('/cookies', async (c) => {
      if (c.var.device) return c.json(await xConnection.signOut(c.var.device.userId));
      if (c.var.user) return c.json(await xConnection.disconnect(c.var.user.id));
      throw problems.unauthenticated();
    })
    .post(
      '/check',
      describeRoute({
        summary: 'Ask X about the stored cookies now',
        security: bySession,
        responses: { 200: status, 401: problem('Not signed in') },
      }),
    )
    .post('/check', requireUser, async (c) => c.json(await xConnection.check(c.var.user!.id)));
}

import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../app-env.ts';
import type { DevicesService } from './devices.service.ts';

/** Reads `Authorization: Bearer <device token>` into c.var.device; a bad token is a 401, never silently ignored. */
export const deviceFromBearer = (devices: DevicesService) =>
  createMiddleware<AppEnv>(async function deviceFromBearer(c, next) {
    const header = c.req.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    c.set('device', token ? await devices.authenticate(token) : null);
    await next();
  });

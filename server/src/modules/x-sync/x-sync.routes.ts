import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { XSyncRunner } from './x-sync.runner.ts';

export function createXSyncRoutes({ requestSync, xSyncRunner }: { requestSync: (userId: string) => Promise<void>; xSyncRunner: XSyncRunner }) {
  return new Hono<AppEnv>()
    .post('/', requireUser, async (c) => {
      await requestSync(c.var.user!.id);
      return c.json({ progress: await xSyncRunner.progress(c.var.user!.id) }, 202);
    })
    .get('/', requireUser, async (c) => c.json({ progress: await xSyncRunner.progress(c.var.user!.id) }));
}

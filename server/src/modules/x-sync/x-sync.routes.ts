import { Hono } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import { describeWait, type XSyncRunner } from './x-sync.runner.ts';

export function createXSyncRoutes({ requestSync, xSyncRunner, now }: { requestSync: (userId: string) => Promise<unknown>; xSyncRunner: XSyncRunner; now: () => Date }) {
  /** The progress, and while a run is queued or running, what a new "Sync now" waits for (issue 9, item 9). */
  const answer = async (userId: string) => {
    const progress = await xSyncRunner.progress(userId);
    return { progress, waitingFor: describeWait(progress, now()) };
  };
  return new Hono<AppEnv>()
    .post('/', requireUser, async (c) => {
      await requestSync(c.var.user!.id);
      return c.json(await answer(c.var.user!.id), 202);
    })
    .get('/', requireUser, async (c) => c.json(await answer(c.var.user!.id)));
}

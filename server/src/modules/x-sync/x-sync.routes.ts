import { Hono } from 'hono';
import { XSyncStatus } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, json, problem } from '../api-docs/describe.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { XSyncRunner } from './x-sync.runner.ts';

const signedOut = problem('Not signed in');

export function createXSyncRoutes({ requestSync, xSyncRunner }: { requestSync: (userId: string) => Promise<void>; xSyncRunner: XSyncRunner }) {
  return new Hono<AppEnv>()
    .post('/', describeRoute({
      summary: 'Sync mentions, replies and bios now (queued; one run per user at a time): the run’s progress',
      security: bySession,
      responses: { 202: json('Queued (or the run already queued or running)', XSyncStatus), 401: signedOut },
    }))
    .post('/', requireUser, async (c) => {
      await requestSync(c.var.user!.id);
      return c.json({ progress: await xSyncRunner.progress(c.var.user!.id) }, 202);
    })
    .get('/', describeRoute({ summary: 'The last sync run’s progress (null before the first)', security: bySession, responses: { 200: json('Progress', XSyncStatus), 401: signedOut } }))
    .get('/', requireUser, async (c) => c.json({ progress: await xSyncRunner.progress(c.var.user!.id) }));
}

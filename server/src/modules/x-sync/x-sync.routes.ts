import { Hono } from 'hono';
import { XSyncStatus } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, json, problem } from '../../lib/api-docs.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import { describeWait, type XSyncRunner } from './x-sync.runner.ts';

const signedOut = problem('Not signed in');

export function createXSyncRoutes({
  requestSync,
  xSyncRunner,
  now,
}: {
  requestSync: (userId: string) => Promise<unknown>;
  xSyncRunner: XSyncRunner;
  now: () => Date;
}) {
  /** The progress, and while a run is queued or running, what a new "Sync now" waits for (issue 9, item 9). */
  const answer = async (userId: string) => {
    const progress = await xSyncRunner.progress(userId);
    return { progress, waitingFor: describeWait(progress, now()) };
  };
  return new Hono<AppEnv>()
    .post(
      '/',
      describeRoute({
        summary:
          'Sync mentions, replies and bios now (queued; one run per user at a time): the run’s progress',
        security: bySession,
        responses: {
          202: json('Queued (or the run already queued or running)', XSyncStatus),
          401: signedOut,
        },
      }),
    )
    .post('/', requireUser, async (c) => {
      await requestSync(c.var.user!.id);
      return c.json(await answer(c.var.user!.id), 202);
    })
    .get(
      '/',
      describeRoute({
        summary: 'The last sync run’s progress (null before the first)',
        security: bySession,
        responses: { 200: json('Progress', XSyncStatus), 401: signedOut },
      }),
    )
    .get('/', requireUser, async (c) => c.json(await answer(c.var.user!.id)));
}

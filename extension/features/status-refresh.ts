/**
 * Asking the server how the X connection is doing (GET /api/v1/x/status): when the popup opens and on a periodic
 * alarm. The same alarm also re-runs the cookie sync, a safety net for any change event the worker missed.
 */
import { ApiError, createApiClient } from '../utils/api-client';
import { disconnectedSentence, forgetPairing, loadSession } from '../utils/session';
import { deviceTokenItem, lastStatusItem, serverReachableItem } from '../utils/storage';
import type { CookiePush } from './cookie-push';
import type { AlarmsApi } from './push-retry';

export const periodicAlarmName = 'perch.periodic';
export const periodMinutes = 5;

export interface StatusRefreshDeps {
  fetch?: typeof fetch;
  /** The popup waits for this; an unreachable server must not keep it blank for long. */
  timeoutMs?: number;
}

export type StatusRefresh = ReturnType<typeof createStatusRefresh>;

export function createStatusRefresh({ fetch: fetchFn, timeoutMs = 5_000 }: StatusRefreshDeps = {}) {
  return {
    async refresh(): Promise<void> {
      const session = await loadSession();
      if (!session) return;
      try {
        const status = await createApiClient({ ...session, fetch: fetchFn, timeoutMs }).getStatus();
        if ((await deviceTokenItem.getValue()) !== session.deviceToken) return;
        await Promise.all([lastStatusItem.setValue(status), serverReachableItem.setValue(true)]);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if ((await deviceTokenItem.getValue()) !== session.deviceToken) return;
        if (error.kind === 'unauthorized') await forgetPairing(disconnectedSentence);
        else if (error.kind === 'unreachable') await serverReachableItem.setValue(false);
        // Other HTTP errors: keep the last known status rather than showing nothing.
        else console.warn('Perch: status refresh failed:', error.message);
      }
    },
  };
}

export interface PeriodicCheckDeps {
  alarms: AlarmsApi;
  push: Pick<CookiePush, 'syncNow'>;
  statusRefresh: StatusRefresh;
}

export function registerPeriodicCheck({ alarms, push, statusRefresh }: PeriodicCheckDeps): void {
  const check = async () => {
    const outcome = await push.syncNow();
    // A push already returned a fresh status; after a failure the server is known to be down.
    if (outcome === 'unchanged' || outcome === 'incomplete') await statusRefresh.refresh();
  };
  // The promise is returned only so tests can await the check; Chrome ignores it.
  alarms.onAlarm.addListener((alarm) =>
    alarm.name === periodicAlarmName
      ? check().catch((error: unknown) =>
          console.warn(
            'Perch: periodic check failed:',
            error instanceof Error ? error.message : error,
          ),
        )
      : undefined,
  );
  // Create only when missing: re-creating at every worker start would push the first ring back each time.
  void (async () => {
    if (!(await alarms.get(periodicAlarmName))) {
      await alarms.create(periodicAlarmName, {
        delayInMinutes: periodMinutes,
        periodInMinutes: periodMinutes,
      });
    }
  })();
}

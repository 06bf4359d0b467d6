/**
 * Retrying a failed push. The retry time is a chrome.alarms alarm (it survives the worker being stopped, a
 * setTimeout would not) and the attempt count lives in storage, so the back-off keeps growing across restarts.
 */
import { pendingPushItem, type PendingPush } from '../utils/storage';

export const retryAlarmName = 'perch.push-retry';
const baseDelayMs = 1_000;
const maxDelayMs = 5 * 60_000;

/** 1 s, 2 s, 4 s … for the 1st, 2nd, 3rd failure, capped at 5 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(baseDelayMs * 2 ** Math.max(0, attempt - 1), maxDelayMs);
}

/** The slice of chrome.alarms Perch uses. */
export interface AlarmsApi {
  create(
    name: string,
    info: { when?: number; delayInMinutes?: number; periodInMinutes?: number },
  ): Promise<void>;
  clear(name: string): Promise<boolean>;
  get(name: string): Promise<{ name: string; scheduledTime: number } | undefined>;
  onAlarm: { addListener(callback: (alarm: { name: string }) => unknown): void };
}

export interface PushRetryDeps {
  alarms: AlarmsApi;
  now?: () => number;
}

export type PushRetry = ReturnType<typeof createPushRetry>;

export function createPushRetry({ alarms, now = Date.now }: PushRetryDeps) {
  return {
    pending: (): Promise<PendingPush | null> => pendingPushItem.getValue(),

    /** Record one more failure and set the alarm for the next attempt. */
    async schedule(force: boolean): Promise<PendingPush> {
      const previous = await pendingPushItem.getValue();
      const attempt = (previous?.attempt ?? 0) + 1;
      const when = now() + retryDelayMs(attempt);
      const pending = {
        attempt,
        retryAt: new Date(when).toISOString(),
        force: force || (previous?.force ?? false),
      };
      await pendingPushItem.setValue(pending);
      await alarms.create(retryAlarmName, { when });
      return pending;
    },

    /** The server has what it needs: forget the failures and the alarm. */
    async clear(): Promise<void> {
      if (!(await pendingPushItem.getValue())) return;
      await pendingPushItem.setValue(null);
      await alarms.clear(retryAlarmName);
    },
  };
}

/** When the retry alarm rings, run a normal sync: it picks up the pending `force` and re-reads the cookies. */
export function registerPushRetry({
  alarms,
  push,
}: {
  alarms: AlarmsApi;
  push: { syncNow(): Promise<unknown> };
}): void {
  // The promise is returned only so tests can await the sync; Chrome ignores it.
  alarms.onAlarm.addListener((alarm) =>
    alarm.name === retryAlarmName ? push.syncNow().catch(logFailure) : undefined,
  );
}

function logFailure(error: unknown): void {
  console.warn('Perch: retrying the push failed:', error instanceof Error ? error.message : error);
}

/**
 * The words for each X connection state: the popup, the settings row and the docs all say the same thing. No zod
 * (types only), so a browser bundle that imports them stays small.
 *
 * @example
 * describeConnection({ state: 'expired', handle: null, retryAt: null, detail: null }).title // 'X cookies expired'
 */
import type { ConnectionAction, ConnectionStatus } from './connection-state.ts';

export const connectionStates = [
  'not_connected',
  // A pair is stored and X has not answered about it yet.
  'verifying',
  'connected',
  'expired',
  'signed_out',
  'x_unavailable',
  'rate_limited',
] as const;

export interface ConnectionDescription {
  title: string;
  sentence: string;
  action: ConnectionAction;
  actionLabel: string | null;
  /** True when the toolbar badge should ask for the user's attention. */
  needsUser: boolean;
  tone: 'ok' | 'warn' | 'error' | 'idle';
}

/** One place for the words: the popup, the settings row and the docs all say the same thing. */
export function describeConnection(
  status: Pick<ConnectionStatus, 'state' | 'handle' | 'retryAt' | 'detail'>,
): ConnectionDescription {
  switch (status.state) {
    case 'not_connected':
      return {
        title: 'Not connected',
        sentence:
          'Perch has no X cookies yet. Click Connect X on the settings page, or pair the extension by hand.',
        action: 'connect',
        actionLabel: 'Connect X',
        needsUser: true,
        tone: 'idle',
      };
    case 'verifying':
      return {
        title: 'Checking with X',
        sentence: 'Checking your X cookies with X…',
        action: 'wait',
        actionLabel: null,
        needsUser: false,
        tone: 'idle',
      };
    case 'connected':
      return {
        title: status.handle ? `Connected as @${status.handle}` : 'Connected',
        sentence: 'Perch holds your current X cookies and keeps them up to date.',
        action: 'none',
        actionLabel: null,
        needsUser: false,
        tone: 'ok',
      };
    case 'expired':
      return {
        title: 'X cookies expired',
        sentence:
          'X no longer accepts the cookies Perch holds. Open x.com so the browser gets fresh ones, then click Refresh.',
        action: 'refresh',
        actionLabel: 'Refresh',
        needsUser: true,
        tone: 'error',
      };
    case 'signed_out':
      return {
        title: 'Signed out of X',
        sentence:
          'This browser is signed out of x.com. Sign in to X and Perch will pick up the new cookies by itself.',
        action: 'sign_in_to_x',
        actionLabel: 'Sign in to X',
        needsUser: true,
        tone: 'warn',
      };
    case 'x_unavailable':
      return {
        title: 'X is unavailable',
        sentence: `Perch could not reach X${status.detail ? ` (${status.detail})` : ''}. Your cookies are fine; Perch will try again by itself.`,
        action: 'wait',
        actionLabel: null,
        needsUser: false,
        tone: 'warn',
      };
    case 'rate_limited':
      return {
        title: 'Paused by X rate limit',
        sentence: `X asked Perch to slow down${status.retryAt ? ` until ${new Date(status.retryAt).toISOString().slice(11, 16)} UTC` : ''}. Nothing is lost; Perch resumes by itself.`,
        action: 'wait',
        actionLabel: null,
        needsUser: false,
        tone: 'warn',
      };
  }
}

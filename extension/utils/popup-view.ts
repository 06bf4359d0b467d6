/** What the popup shows for an ExtensionView: pure, so every state can be tested without a DOM. */
import { describeConnection, type ExtensionView } from '@perch/shared';

export interface PopupAction {
  label: string;
  /** refresh: background re-reads the cookies and pushes with force; sign_in_to_x: open x.com/login. */
  kind: 'refresh' | 'sign_in_to_x';
}

export interface PopupPresentation {
  title: string;
  sentence: string;
  tone: 'ok' | 'warn' | 'error' | 'idle';
  action: PopupAction | null;
  showPairForm: boolean;
  /** A secondary line: the last push failure, when it is not already the sentence. */
  error: string | null;
}

export const unpairedSentence =
  'Pair this browser with your Perch server: click Connect X under Settings → Connected accounts, or enter a pairing code below.';

export function presentView(view: ExtensionView): PopupPresentation {
  if (!view.paired) {
    return {
      title: 'Not paired',
      // After a revocation lastError says the browser was disconnected from Perch.
      sentence: view.lastError ?? unpairedSentence,
      tone: view.lastError ? 'warn' : 'idle',
      action: null,
      showPairForm: true,
      error: null,
    };
  }
  if (!view.serverReachable) {
    const retry = view.pendingRetryAt ? ` Next try at ${clock(view.pendingRetryAt)}.` : '';
    return {
      title: 'Server unreachable',
      sentence: `Perch could not reach your server at ${view.serverUrl}. Your X cookies are sent as soon as it answers.${retry}`,
      tone: 'error',
      action: { label: 'Try again', kind: 'refresh' },
      showPairForm: false,
      error: null,
    };
  }
  if (!view.status) {
    return {
      title: 'Checking…',
      sentence: 'Asking your Perch server about the X connection.',
      tone: 'idle',
      action: null,
      showPairForm: false,
      error: view.lastError,
    };
  }
  const d = describeConnection(view.status);
  let action: PopupAction | null = null;
  if (d.action === 'sign_in_to_x')
    action = { label: d.actionLabel ?? 'Sign in to X', kind: 'sign_in_to_x' };
  // 'connect' (server has no cookies, e.g. after Disconnect) re-sends this browser's pair, like Refresh.
  if (d.action === 'refresh' || d.action === 'connect')
    action = { label: d.actionLabel ?? 'Refresh', kind: 'refresh' };
  const retry =
    view.lastError && view.pendingRetryAt ? ` Next try at ${clock(view.pendingRetryAt)}.` : '';
  return {
    title: d.title,
    sentence: d.sentence,
    tone: d.tone,
    action,
    showPairForm: false,
    error: view.lastError ? `${view.lastError}${retry}` : null,
  };
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

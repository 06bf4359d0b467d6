import { describe, expect, it } from 'vitest';
import { ConnectionStatus, type ConnectionState, type ExtensionView } from '@perch/shared';
import { presentView, unpairedSentence } from './popup-view';
import { disconnectedSentence } from './session';

const view = (over: Partial<ExtensionView> = {}): ExtensionView => ({
  paired: true,
  serverUrl: 'http://127.0.0.1:8787',
  serverReachable: true,
  status: null,
  lastError: null,
  pendingRetryAt: null,
  ...over,
});
const withState = (state: ConnectionState) =>
  view({ status: ConnectionStatus.parse({ state, handle: 'jack' }) });

describe('presentView', () => {
  it('unpaired: the pairing form', () => {
    expect(presentView(view({ paired: false }))).toMatchObject({
      title: 'Not paired',
      sentence: unpairedSentence,
      showPairForm: true,
      action: null,
    });
  });

  it('revoked: says the browser was disconnected', () => {
    const p = presentView(view({ paired: false, lastError: disconnectedSentence }));
    expect(p.sentence).toMatch(/disconnected from Perch/);
    expect(p.showPairForm).toBe(true);
  });

  it('connected: the handle, no button', () => {
    expect(presentView(withState('connected'))).toMatchObject({
      title: 'Connected as @jack',
      action: null,
      tone: 'ok',
    });
  });

  it('verifying: the plain sentence while X has not answered, nothing to click', () => {
    expect(presentView(withState('verifying'))).toMatchObject({
      sentence: 'Checking your X cookies with X…',
      action: null,
      tone: 'idle',
    });
  });

  it('expired: a Refresh button', () => {
    expect(presentView(withState('expired'))).toMatchObject({
      title: 'X cookies expired',
      action: { label: 'Refresh', kind: 'refresh' },
    });
  });

  it('signed out: Sign in to X', () => {
    expect(presentView(withState('signed_out')).action).toEqual({
      label: 'Sign in to X',
      kind: 'sign_in_to_x',
    });
  });

  it('X trouble: nothing to click', () => {
    expect(presentView(withState('x_unavailable')).action).toBeNull();
    expect(presentView(withState('rate_limited')).action).toBeNull();
  });

  it('server unreachable: a sentence naming the server and the next try', () => {
    const p = presentView(
      view({ serverReachable: false, pendingRetryAt: '2026-03-01T12:00:04.000Z', lastError: 'x' }),
    );
    expect(p.title).toBe('Server unreachable');
    expect(p.sentence).toMatch(
      /^Perch could not reach your server at http:\/\/127\.0\.0\.1:8787\..*Next try at /,
    );
  });

  it('a failed push shows as the error line', () => {
    expect(
      presentView(view({ ...withState('connected'), lastError: 'Too many requests.' })).error,
    ).toBe('Too many requests.');
  });
});

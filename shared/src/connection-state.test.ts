import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConnectionStatus,
  connectionStates,
  describeConnection,
  type ConnectionState,
} from './index.ts';

describe('describeConnection', () => {
  it('gives every state a title, a sentence and an action', () => {
    for (const state of connectionStates) {
      const d = describeConnection({ state, handle: 'perch_user', retryAt: null, detail: null });
      expect(d.title.length).toBeGreaterThan(3);
      expect(d.sentence).toMatch(/[.…]$/);
    }
  });

  it('says in plain words that X has not answered yet about a stored pair', () => {
    const d = describeConnection({
      state: 'verifying',
      handle: 'jack',
      retryAt: null,
      detail: null,
    });
    expect(d).toMatchObject({
      sentence: 'Checking your X cookies with X…',
      action: 'wait',
      needsUser: false,
    });
    expect(`${d.title} ${d.sentence}`).not.toMatch(/connected|expired|sign in/i);
  });

  it('names the handle when connected', () => {
    expect(
      describeConnection({ state: 'connected', handle: 'jack', retryAt: null, detail: null }).title,
    ).toBe('Connected as @jack');
  });

  it('never asks the user to sign in again when X itself is the problem', () => {
    for (const state of ['x_unavailable', 'rate_limited'] as const) {
      const d = describeConnection({
        state,
        handle: 'jack',
        retryAt: '2026-01-01T10:15:00.000Z',
        detail: 'X answered 503',
      });
      expect(d.action).toBe('wait');
      expect(d.needsUser).toBe(false);
      expect(`${d.title} ${d.sentence}`).not.toMatch(/expired|sign in|log in/i);
    }
  });

  it('offers Refresh for expired cookies and sign-in for signed-out browsers', () => {
    expect(
      describeConnection({ state: 'expired', handle: null, retryAt: null, detail: null }),
    ).toMatchObject({ title: 'X cookies expired', actionLabel: 'Refresh' });
    expect(
      describeConnection({ state: 'signed_out', handle: null, retryAt: null, detail: null }).action,
    ).toBe('sign_in_to_x');
  });

  it('fills defaults when parsing a minimal status', () => {
    const s = ConnectionStatus.parse({ state: 'not_connected' });
    expect(s).toEqual({
      state: 'not_connected',
      handle: null,
      xUserId: null,
      checkedAt: null,
      updatedAt: null,
      retryAt: null,
      detail: null,
    });
    expectTypeOf(s.state).toEqualTypeOf<ConnectionState>();
    expect(() => ConnectionStatus.parse({ state: 'broken' })).toThrow();
  });
});

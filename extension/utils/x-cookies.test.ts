import { describe, expect, it } from 'vitest';
import { createFakeCookies } from '../test-utils/fakes';
import { fingerprintOf, isXCookieChange, readXCookies } from './x-cookies';

describe('readXCookies', () => {
  it('reads the pair', async () => {
    const cookies = createFakeCookies({ auth_token: 'A1', ct0: 'C1' });
    expect(await readXCookies(cookies)).toEqual({
      kind: 'pair',
      pair: { authToken: 'A1', ct0: 'C1' },
    });
  });

  it('treats a missing auth_token as signed out, and a missing ct0 as mid-rotation', async () => {
    expect(await readXCookies(createFakeCookies({ ct0: 'C1' }))).toEqual({ kind: 'signed_out' });
    expect(await readXCookies(createFakeCookies({}))).toEqual({ kind: 'signed_out' });
    expect(await readXCookies(createFakeCookies({ auth_token: 'A1' }))).toEqual({
      kind: 'incomplete',
    });
  });
});

describe('isXCookieChange', () => {
  const change = (name: string, domain: string) => ({
    removed: false,
    cause: 'explicit',
    cookie: { name, domain },
  });
  it('accepts auth_token and ct0 on x.com only', () => {
    expect(isXCookieChange(change('auth_token', '.x.com'))).toBe(true);
    expect(isXCookieChange(change('ct0', 'x.com'))).toBe(true);
    expect(isXCookieChange(change('guest_id', '.x.com'))).toBe(false);
    expect(isXCookieChange(change('auth_token', '.twitter.com'))).toBe(false);
    expect(isXCookieChange(change('auth_token', 'evil-x.com'))).toBe(false);
  });
});

describe('fingerprintOf', () => {
  it('is a SHA-256 that changes with either cookie and never contains them', async () => {
    const a = await fingerprintOf({
      kind: 'pair',
      pair: { authToken: 'secret-token', ct0: 'csrf' },
    });
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).not.toContain('secret');
    expect(
      await fingerprintOf({ kind: 'pair', pair: { authToken: 'secret-token', ct0: 'csrf' } }),
    ).toBe(a);
    expect(
      await fingerprintOf({ kind: 'pair', pair: { authToken: 'secret-token', ct0: 'csrf2' } }),
    ).not.toBe(a);
    expect(await fingerprintOf({ kind: 'signed_out' })).toBe('signed_out');
  });
});

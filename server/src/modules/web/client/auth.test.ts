// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answer,
  fakeApi,
  fakeLocation,
  showPage,
  testAssetUrl,
} from '../../../test-utils/page-dom.ts';
import { signInPage, signUpPage } from '../web.pages.ts';
import { start } from './auth.ts';

let location: ReturnType<typeof fakeLocation>;
beforeEach(() => {
  location = fakeLocation('/sign-in');
});
afterEach(() => vi.unstubAllGlobals());

const submit = (email: string, password: string) => {
  (document.getElementById('email') as HTMLInputElement).value = email;
  (document.getElementById('password') as HTMLInputElement).value = password;
  (document.getElementById('auth-submit') as HTMLButtonElement).click();
};

describe('sign-in and sign-up forms', () => {
  it('signs in with the typed credentials and goes to settings', async () => {
    await showPage(signInPage(testAssetUrl));
    const api = fakeApi({
      'GET /api/v1/auth/state': () => ({ signedIn: false, signUpOpen: true }),
      'POST /api/v1/auth/sign-in': () => ({ user: { id: 'u1' } }),
    });
    start();
    await vi.waitFor(() => expect(document.getElementById('sign-up-link')!.hidden).toBe(false));
    submit('owner@example.com', 'correct horse battery');
    await vi.waitFor(() => expect(location.assign).toHaveBeenCalledWith('/settings'));
    expect(api.sent('POST', '/api/v1/auth/sign-in')[0]!.body).toEqual({
      email: 'owner@example.com',
      password: 'correct horse battery',
    });
  });

  it('shows the server’s sentence when sign-in fails, and gives the button back', async () => {
    await showPage(signInPage(testAssetUrl));
    fakeApi({
      'GET /api/v1/auth/state': () => ({ signedIn: false, signUpOpen: false }),
      'POST /api/v1/auth/sign-in': () =>
        answer(401, { title: 'Unauthorized', detail: 'Wrong email or password' }),
    });
    start();
    submit('owner@example.com', 'nope nope nope');
    await vi.waitFor(() =>
      expect(document.getElementById('form-error')!.textContent).toBe('Wrong email or password.'),
    );
    expect(document.getElementById('form-error')!.hidden).toBe(false);
    expect((document.getElementById('auth-submit') as HTMLButtonElement).disabled).toBe(false);
    expect(document.getElementById('auth-submit')!.textContent).toBe('Sign in');
    expect(document.getElementById('sign-up-link')!.hidden).toBe(true);
  });

  it('closes the sign-up form when the server already has its owner', async () => {
    await showPage(signUpPage(testAssetUrl));
    fakeApi({ 'GET /api/v1/auth/state': () => ({ signedIn: false, signUpOpen: false }) });
    start();
    await vi.waitFor(() => expect(document.getElementById('sign-up-closed')!.hidden).toBe(false));
    expect((document.getElementById('auth-submit') as HTMLButtonElement).disabled).toBe(true);
  });
});

/**
 * /sign-in and /sign-up: post the credentials as JSON, go to /settings, or say what went wrong.
 */
import { ApiError, api } from './api.ts';
import { $, $button } from './ui.ts';

interface AuthState {
  signedIn: boolean;
  signUpOpen: boolean;
}

export function start(): void {
  const form = $<HTMLFormElement>('auth-form');
  const error = $('form-error');
  const submit = $button('auth-submit');
  const mode = form.dataset.mode === 'sign-up' ? 'sign-up' : 'sign-in';

  function showError(text: string) {
    error.textContent = text;
    error.hidden = !text;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    const data = new FormData(form);
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = mode === 'sign-up' ? 'Creating account…' : 'Signing in…';
    try {
      await api('POST', `/api/v1/auth/${mode}`, {
        email: String(data.get('email') ?? ''),
        password: String(data.get('password') ?? ''),
      });
      location.assign('/settings');
    } catch (e) {
      showError(e instanceof ApiError ? e.sentence : 'Something went wrong. Try again.');
      submit.disabled = false;
      submit.textContent = label;
    }
  });

  // Only the server knows whether sign-up is open (no account yet, or PERCH_ALLOW_SIGNUP=true).
  api<AuthState | null>('GET', '/api/v1/auth/state')
    .then((state) => {
      if (state?.signedIn) return location.replace('/settings');
      if (mode === 'sign-in') $('sign-up-link').hidden = !state?.signUpOpen;
      if (mode === 'sign-up' && state && !state.signUpOpen) {
        $('sign-up-closed').hidden = false;
        submit.disabled = true;
      }
    })
    .catch(() => {
      // The form still works; the sign-up link just stays hidden.
    });
}

/**
 * The sign-in and sign-up forms: post the credentials as JSON, go to /settings, or say what went wrong.
 */
import { ApiError, api } from './api.js';

const form = document.getElementById('auth-form');
const error = document.getElementById('form-error');
const submit = document.getElementById('auth-submit');
const mode = form.dataset.mode; // 'sign-in' | 'sign-up'

function showError(text) {
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
    await api('POST', `/api/v1/auth/${mode}`, { email: String(data.get('email') ?? ''), password: String(data.get('password') ?? '') });
    location.assign('/settings');
  } catch (e) {
    showError(e instanceof ApiError ? e.sentence : 'Something went wrong. Try again.');
    submit.disabled = false;
    submit.textContent = label;
  }
});

// Only the server knows whether sign-up is open (no account yet, or PERCH_ALLOW_SIGNUP=true).
api('GET', '/api/v1/auth/state')
  .then((state) => {
    if (state?.signedIn) return location.replace('/settings');
    if (mode === 'sign-in') document.getElementById('sign-up-link').hidden = !state?.signUpOpen;
    if (mode === 'sign-up' && state && !state.signUpOpen) {
      document.getElementById('sign-up-closed').hidden = false;
      submit.disabled = true;
    }
  })
  .catch(() => {
    // The form still works; the sign-up link just stays hidden.
  });

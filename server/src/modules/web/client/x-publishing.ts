/**
 * Settings → Connected accounts, the "Publishing" row: which credential publishes to X (the X API connection's
 * OAuth 2.0 grant, or the app's OAuth 1.0a credentials), what the grant covers, Extend to publishing (X's consent
 * page again, asking for tweet.write and media.write), and the app-credentials form with its errors by the field.
 */
import type { PublishingStatus, XDmConnectStart } from '@perch/shared';
import { api, ApiError } from './api.ts';
import { formatDate } from './time.ts';
import { $, $button, busy, failure, idle, say, type Tone } from './ui.ts';

export const appCredentialFields = [
  'api_key',
  'api_secret',
  'access_token',
  'access_token_secret',
  'bearer_token',
] as const;
type Field = (typeof appCredentialFields)[number];

/** The same sentences the server names a missing field with (x-credentials.service.ts). */
const missingSentences: Partial<Record<Field, string>> = {
  api_key: 'Enter the API key (the app’s consumer key).',
  api_secret: 'Enter the API key secret.',
  access_token: 'Enter the access token (generated for your X account).',
  access_token_secret: 'Enter the access token secret.',
};

/** What the grant covers, in words: "reads direct messages, publishes, uploads media". */
export function grantWords(grant: PublishingStatus['grant']): string {
  if (!grant.connected) return 'Not connected.';
  const can = [
    grant.readDms ? 'reads direct messages' : null,
    grant.publish ? 'publishes' : null,
    grant.uploadMedia ? 'uploads images and videos' : null,
  ].filter(Boolean);
  const cannot = [
    grant.publish ? null : 'publish',
    grant.uploadMedia ? null : 'upload media',
  ].filter(Boolean);
  return `${can.length ? `Covers: ${can.join(', ')}.` : 'Covers nothing Perch uses.'}${
    cannot.length ? ` Cannot ${cannot.join(' or ')} until you extend it.` : ''
  }`;
}

function describe(s: PublishingStatus): { tone: Tone; chip: string; title: string } {
  if (s.credential === 'oauth2')
    return {
      tone: s.canUploadMedia ? 'ok' : 'warn',
      chip: 'Working',
      title: 'Publishes with the X API connection (OAuth 2.0)',
    };
  if (s.credential === 'oauth1')
    return {
      tone: 'ok',
      chip: 'Working',
      title: `Publishes with your app’s credentials (OAuth 1.0a${s.appCredentials.handle ? `, @${s.appCredentials.handle}` : ''})`,
    };
  return { tone: 'idle', chip: 'Off', title: 'Nothing publishes yet' };
}

export function renderPublishing(s: PublishingStatus) {
  const d = describe(s);
  $('x-publishing-row').dataset.credential = s.credential ?? 'none';
  $('x-publishing-chip').dataset.tone = d.tone;
  $('x-publishing-chip').textContent = d.chip;
  $('x-publishing-title').textContent = d.title;
  $('x-publishing-problem').textContent = s.problem ?? '';
  $('x-publishing-grant').textContent = grantWords(s.grant);
  const app = s.appCredentials;
  $('x-publishing-app').textContent = !app.present
    ? 'None.'
    : `${app.source === 'environment' ? 'From the server’s environment' : 'Entered here'}${
        app.handle ? `, for @${app.handle}` : ''
      }${app.verifiedAt ? `, checked with X ${formatDate(app.verifiedAt)}` : ''}${
        app.hasBearerToken ? ', with a bearer token' : ''
      }.`;
  $('x-publishing-length').textContent = `${s.maxWeightedLength.toLocaleString('en')} characters${
    s.maxWeightedLength > 280 ? ' (your X subscription allows long posts)' : ''
  }.`;
  const extend = $button('extend-x-publishing');
  if (idle(extend)) {
    extend.hidden = s.grant.publish && s.grant.uploadMedia;
    extend.textContent = s.grant.connected ? 'Extend to publishing' : 'Connect for publishing';
  }
  const remove = $button('remove-x-app');
  if (idle(remove)) remove.hidden = !(app.present && app.source === 'settings');
}

function fieldError(field: Field, text: string | null) {
  const el = $(`x-app-${field}-error`);
  el.textContent = text ?? '';
  el.hidden = !text;
  const input = $<HTMLInputElement>(`x-app-${field}`);
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

export function createXPublishingRow() {
  let version = 0;
  const form = $<HTMLFormElement>('x-app-form');

  async function refresh() {
    const mine = ++version;
    try {
      const s = await api<PublishingStatus>('GET', '/api/v1/x/publishing');
      if (mine === version) renderPublishing(s);
    } catch (error) {
      if (mine === version)
        say(
          'x-publishing-message',
          `Perch could not load the publishing status. ${failure(error)}`,
          {
            tone: 'error',
            source: 'poll',
          },
        );
    }
  }
  const show = (s: PublishingStatus) => {
    version++;
    renderPublishing(s);
  };

  $('extend-x-publishing').addEventListener(
    'click',
    () =>
      void busy($button('extend-x-publishing'), 'Opening X…', async () => {
        try {
          const { authorizeUrl } = await api<XDmConnectStart>('POST', '/api/v1/x-dm/connect', {
            publishing: true,
          });
          location.assign(authorizeUrl);
        } catch (error) {
          say('x-publishing-message', `Perch could not open X. ${failure(error)}`, {
            tone: 'error',
          });
        }
      }),
  );
  $('show-x-app-form').addEventListener('click', () => {
    form.hidden = false;
    $<HTMLInputElement>('x-app-api_key').focus();
  });
  $('cancel-x-app').addEventListener('click', () => {
    form.reset();
    for (const field of appCredentialFields) fieldError(field, null);
    form.hidden = true;
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(
      appCredentialFields.map((f) => [f, $<HTMLInputElement>(`x-app-${f}`).value.trim()]),
    ) as Record<Field, string>;
    let missing = false;
    for (const field of appCredentialFields) {
      const sentence = !values[field] ? (missingSentences[field] ?? null) : null;
      fieldError(field, sentence);
      if (sentence) missing = true;
    }
    if (missing) return;
    void busy($button('save-x-app'), 'Checking with X…', async () => {
      try {
        const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
        show(await api<PublishingStatus>('POST', '/api/v1/x/app-credentials', body));
        form.reset();
        form.hidden = true;
        say('x-publishing-message', 'Saved: X confirmed the credentials.', { tone: 'ok' });
      } catch (error) {
        // The server names a missing field too; anything else (X refused them, another account's) is the form's.
        const code = error instanceof ApiError ? error.code : undefined;
        say('x-publishing-message', failure(error), { tone: 'error' });
        if (code === 'x_credentials.wrong_account') fieldError('access_token', failure(error));
      }
    });
  });
  $('remove-x-app').addEventListener(
    'click',
    () =>
      void busy($button('remove-x-app'), 'Removing…', async () => {
        try {
          await api('DELETE', '/api/v1/x/app-credentials');
          say('x-publishing-message', 'Removed: Perch deleted the app credentials.', {
            tone: 'ok',
          });
          await refresh();
        } catch (error) {
          say('x-publishing-message', `Perch could not remove them. ${failure(error)}`, {
            tone: 'error',
          });
        }
      }),
  );

  return { refresh };
}

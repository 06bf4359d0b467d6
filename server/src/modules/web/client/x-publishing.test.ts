// @vitest-environment happy-dom
/**
 * The settings page's Publishing row on the server's own markup, with the API faked: which credential publishes,
 * what the grant covers, Extend to publishing, and the app-credentials form's errors next to their fields.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PublishingStatus } from '@perch/shared';
import {
  answer,
  fakeApi,
  fakeLocation,
  showPage,
  testAssetUrl,
} from '../../../test-utils/page-dom.ts';
import { settingsPage } from '../web.pages.ts';
import { createXPublishingRow, grantWords, renderPublishing } from './x-publishing.ts';

const nothing: PublishingStatus = {
  credential: null,
  grant: { connected: true, readDms: true, publish: false, uploadMedia: false },
  appCredentials: {
    present: false,
    source: null,
    handle: null,
    verifiedAt: null,
    hasBearerToken: false,
  },
  canPublish: false,
  canUploadMedia: false,
  maxWeightedLength: 280,
  problem:
    'The X API connection can read direct messages but not publish: click Extend to publishing.',
};
const viaApp: PublishingStatus = {
  ...nothing,
  credential: 'oauth1',
  appCredentials: {
    present: true,
    source: 'settings',
    handle: 'perch_me',
    verifiedAt: '2026-01-01T10:00:00.000Z',
    hasBearerToken: true,
  },
  canPublish: true,
  canUploadMedia: true,
  problem: null,
};
const text = (id: string) => document.getElementById(id)!.textContent;
const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const type = (field: string, value: string) => {
  el<HTMLInputElement>(`x-app-${field}`).value = value;
};
const submit = () =>
  el<HTMLFormElement>('x-app-form').dispatchEvent(
    new Event('submit', { bubbles: true, cancelable: true }),
  );

let location: ReturnType<typeof fakeLocation>;
beforeEach(async () => {
  location = fakeLocation('/settings');
  await showPage(settingsPage(testAssetUrl, { email: 'owner@example.com' }));
});
afterEach(() => vi.unstubAllGlobals());

describe('the Publishing row', () => {
  it('says what the grant covers and what it cannot do yet', () => {
    expect(grantWords(nothing.grant)).toBe(
      'Covers: reads direct messages. Cannot publish or upload media until you extend it.',
    );
    expect(grantWords({ connected: true, readDms: true, publish: true, uploadMedia: true })).toBe(
      'Covers: reads direct messages, publishes, uploads images and videos.',
    );
    renderPublishing(nothing);
    expect(text('x-publishing-title')).toBe('Nothing publishes yet');
    expect(text('x-publishing-problem')).toMatch(/Extend to publishing/);
    expect(el('extend-x-publishing').hidden).toBe(false);
    expect(el('remove-x-app').hidden).toBe(true);
  });

  it('names the app credentials when they publish', () => {
    renderPublishing(viaApp);
    expect(text('x-publishing-title')).toBe(
      'Publishes with your app’s credentials (OAuth 1.0a, @perch_me)',
    );
    expect(text('x-publishing-app')).toMatch(
      /^Entered here, for @perch_me, checked with X .+, with a bearer token\.$/,
    );
    expect(el('remove-x-app').hidden).toBe(false);
    expect(text('x-publishing-length')).toBe('280 characters.');
  });

  it('Extend to publishing asks the server for the publishing scopes and goes to X', async () => {
    const api = fakeApi({
      'GET /api/v1/x/publishing': () => nothing,
      'POST /api/v1/x-dm/connect': () => ({ authorizeUrl: 'http://x.test/i/oauth2/authorize?x=1' }),
    });
    const row = createXPublishingRow();
    await row.refresh();
    el<HTMLButtonElement>('extend-x-publishing').click();
    await vi.waitFor(() =>
      expect(location.assign).toHaveBeenCalledWith('http://x.test/i/oauth2/authorize?x=1'),
    );
    expect(api.sent('POST', '/api/v1/x-dm/connect')[0]!.body).toEqual({ publishing: true });
  });

  it('the form names each missing field next to it, and sends nothing', async () => {
    const api = fakeApi({ 'GET /api/v1/x/publishing': () => nothing });
    createXPublishingRow();
    el<HTMLButtonElement>('show-x-app-form').click();
    expect(el('x-app-form').hidden).toBe(false);
    type('api_secret', 'secret');
    type('access_token_secret', 'token-secret');
    submit();
    expect(text('x-app-api_key-error')).toBe('Enter the API key (the app’s consumer key).');
    expect(el('x-app-api_key-error').hidden).toBe(false);
    expect(el('x-app-api_key').getAttribute('aria-invalid')).toBe('true');
    expect(text('x-app-access_token-error')).toMatch(/access token/);
    expect(el('x-app-api_secret-error').hidden).toBe(true);
    expect(el('x-app-bearer_token-error').hidden).toBe(true); // optional
    expect(api.sent('POST', '/api/v1/x/app-credentials')).toHaveLength(0);
  });

  it('saves the credentials, and says X’s refusal in a plain sentence', async () => {
    let refuse = true;
    const api = fakeApi({
      'GET /api/v1/x/publishing': () => nothing,
      'POST /api/v1/x/app-credentials': () =>
        refuse
          ? answer(409, {
              code: 'x_credentials.wrong_account',
              title: 'These credentials are another X account’s',
              detail:
                'These credentials belong to @someone_else, not to the X account connected to Perch.',
            })
          : answer(201, viaApp),
    });
    createXPublishingRow();
    for (const f of ['api_key', 'api_secret', 'access_token', 'access_token_secret'])
      type(f, `${f}-value`);
    submit();
    await vi.waitFor(() =>
      expect(text('x-publishing-message')).toBe(
        'These credentials belong to @someone_else, not to the X account connected to Perch.',
      ),
    );
    expect(text('x-app-access_token-error')).toMatch(/@someone_else/);
    expect(api.sent('POST', '/api/v1/x/app-credentials')[0]!.body).toEqual({
      api_key: 'api_key-value',
      api_secret: 'api_secret-value',
      access_token: 'access_token-value',
      access_token_secret: 'access_token_secret-value',
    });
    refuse = false;
    submit();
    await vi.waitFor(() =>
      expect(text('x-publishing-message')).toBe('Saved: X confirmed the credentials.'),
    );
    expect(text('x-publishing-title')).toMatch(/OAuth 1\.0a/);
    expect(el('x-app-form').hidden).toBe(true);
    expect(el<HTMLInputElement>('x-app-api_key').value).toBe('');
  });
});

/**
 * The server-rendered pages. `html` escapes every interpolation. The pages hold no secrets and no live data: their
 * scripts (client/*.ts, bundled by web.assets.ts) fetch /api/v1 like any other client.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The path of a page asset by its source name ('settings.js', 'style.css'): its content-hashed name (WebAssets.url). */
export type AssetUrl = (name: string) => string;

export function layout(asset: AssetUrl, title: string, script: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Perch</title>
<link rel="icon" href="${asset('favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${asset('style.css')}">
<script type="module" src="${asset(script)}"></script>
</head>
<body>
${body}
<noscript><p class="noscript">This page needs JavaScript to talk to the Perch server.</p></noscript>
</body>
</html>
`;
}

/** A page that moves on to `to` by itself (a navigation of Perch's own, unlike a redirect from another site's); unstyled, it is gone at once. */
export function redirectPage(to: string): Html {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${to}"><title>Back to Perch</title></head>
<body><p class="noscript"><a href="${to}">Back to Perch</a></p></body>
</html>
`;
}

function authPage(asset: AssetUrl, mode: 'sign-in' | 'sign-up'): Html {
  const signUp = mode === 'sign-up';
  return layout(
    asset,
    signUp ? 'Create the owner account' : 'Sign in',
    'auth.js',
    html`<main class="auth">
  <p class="brand brand-large">Perch</p>
  <section class="card" aria-labelledby="auth-heading">
    <h1 id="auth-heading">${signUp ? 'Create the owner account' : 'Sign in'}</h1>
    <p class="lede">${
      signUp
        ? 'This creates the owner account of this Perch server: the account that holds your X cookies and pairs your browser extension.'
        : 'Sign in to see your X connection and the devices paired with this Perch server.'
    }</p>
    <p id="sign-up-closed" class="notice" hidden>This server already has its owner account, so sign-up is closed. <a href="/sign-in">Sign in</a> instead.</p>
    <form id="auth-form" data-mode="${mode}">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="${signUp ? 'email' : 'username'}" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="${signUp ? 'new-password' : 'current-password'}"
        ${signUp ? raw('minlength="10" aria-describedby="password-hint"') : ''} required>
      ${signUp ? html`<p id="password-hint" class="hint">At least 10 characters.</p>` : ''}
      <button id="auth-submit" type="submit" class="primary">${signUp ? 'Create account' : 'Sign in'}</button>
      <p id="form-error" class="form-error" role="alert" hidden></p>
    </form>
  </section>
  ${
    signUp
      ? html`<p class="switch">Already have an account? <a href="/sign-in">Sign in</a>.</p>`
      : html`<p id="sign-up-link" class="switch" hidden>No account on this server yet? <a href="/sign-up">Create the owner account</a>.</p>`
  }
</main>`,
  );
}

export const signInPage = (asset: AssetUrl): Html => authPage(asset, 'sign-in');
export const signUpPage = (asset: AssetUrl): Html => authPage(asset, 'sign-up');

export type NavPage = 'contacts' | 'notifications' | 'settings';

/** The header of every signed-in page: Contacts · Notifications (unread badge, #unread-count) · Settings. */
export function topbar({
  email,
  current,
  unreadCount,
}: {
  email: string;
  current: NavPage;
  unreadCount: number | null;
}): Html {
  const link = (page: NavPage, label: string, extra: Html | string = '') =>
    html`<a href="/${page}"${current === page ? raw(' aria-current="page"') : ''}>${label}${extra}</a>`;
  const badge = html` <span id="unread-count" class="badge" aria-label="${unreadCount ?? 0} unread"${unreadCount ? '' : raw(' hidden')}>${unreadCount ?? 0}</span>`;
  return html`<header class="topbar">
  <div class="topbar-inner">
    <a class="brand" href="/contacts">Perch</a>
    <nav class="nav" aria-label="Main">${link('contacts', 'Contacts')}${link('notifications', 'Notifications', badge)}${link('settings', 'Settings')}</nav>
    <div class="account">
      <span id="user-email" class="email">${email}</span>
      <button id="sign-out" type="button">Sign out</button>
    </div>
  </div>
</header>`;
}

/** Settings → Connected accounts, second row: X direct messages over X's API (client/x-dm.ts fills it in). */
function xDmRow(): Html {
  return html`<div id="x-dm-row" class="account-row" role="group" data-state="" aria-labelledby="x-dm-name">
      <div class="account-main">
        <div class="account-logo" aria-hidden="true">✉</div>
        <div class="account-text">
          <div class="account-title">
            <h3 id="x-dm-name" class="account-name">X direct messages</h3>
            <span id="x-dm-chip" class="chip" data-tone="idle">Loading</span>
          </div>
          <p id="x-dm-state-title" class="state-title">Loading…</p>
          <p id="x-dm-sentence" class="sentence"></p>
          <dl id="x-dm-details" class="details" hidden>
            <dt>Connected as</dt><dd id="x-dm-handle"></dd>
            <dt>Since</dt><dd id="x-dm-since"></dd>
            <dt>Access token</dt><dd id="x-dm-access"></dd>
            <dt>Refresh token</dt><dd id="x-dm-refresh"></dd>
            <dt>Last DM sync</dt><dd id="x-dm-last-sync"></dd>
          </dl>
        </div>
      </div>
      <div class="actions">
        <button id="connect-x-dm" type="button" class="primary">Connect</button>
        <button id="sync-x-dm" type="button">Sync DMs now</button>
        <button id="disconnect-x-dm" type="button" class="danger">Disconnect</button>
      </div>
      <p id="x-dm-message" class="message" role="status" aria-live="polite" hidden></p>
      <div id="x-dm-setup" class="panel" hidden>
        <h3>Set up an X app first</h3>
        <p>Reading direct messages goes through X's official API, which needs an app of your own. This server has no
          <code id="x-dm-missing">X_CLIENT_ID</code> yet.</p>
        <ol>
          <li>In X's developer portal, create a project and an app, and turn on <strong>OAuth 2.0</strong> (type: Web App, a confidential client).</li>
          <li>Add this callback URL, exactly: <code id="x-dm-callback-url"></code></li>
          <li>Start Perch with <code>X_CLIENT_ID</code> and <code>X_CLIENT_SECRET</code> set to the app's OAuth 2.0 client id and secret.</li>
        </ol>
      </div>
    </div>`;
}

/** One field of the app-credentials form, with its own error line (client/x-publishing.ts). */
function credentialField(name: string, label: string, hint: string): Html {
  return html`<label for="x-app-${name}">${label}</label>
          <input id="x-app-${name}" name="${name}" type="password" autocomplete="off" spellcheck="false"
            aria-describedby="x-app-${name}-error">
          <p id="x-app-${name}-error" class="message" data-tone="error" hidden></p>
          <p class="hint">${hint}</p>`;
}

/** Settings → Connected accounts, third row: publishing to X (client/x-publishing.ts fills it in). */
function xPublishingRow(): Html {
  return html`<div id="x-publishing-row" class="account-row" role="group" data-credential="" aria-labelledby="x-publishing-name">
      <div class="account-main">
        <div class="account-logo" aria-hidden="true">✎</div>
        <div class="account-text">
          <div class="account-title">
            <h3 id="x-publishing-name" class="account-name">Publishing</h3>
            <span id="x-publishing-chip" class="chip" data-tone="idle">Loading</span>
          </div>
          <p id="x-publishing-title" class="state-title">Loading…</p>
          <p id="x-publishing-problem" class="sentence"></p>
          <dl class="details">
            <dt>The X API connection</dt><dd id="x-publishing-grant"></dd>
            <dt>App credentials</dt><dd id="x-publishing-app"></dd>
            <dt>Longest post</dt><dd id="x-publishing-length"></dd>
          </dl>
        </div>
      </div>
      <div class="actions">
        <button id="extend-x-publishing" type="button" class="primary">Extend to publishing</button>
        <button id="show-x-app-form" type="button">Enter app credentials</button>
        <button id="remove-x-app" type="button" class="danger">Remove app credentials</button>
      </div>
      <p id="x-publishing-message" class="message" role="status" aria-live="polite" hidden></p>
      <form id="x-app-form" class="panel" novalidate hidden>
        <h3>Your X app’s credentials (OAuth 1.0a)</h3>
        <p>From your app’s <strong>Keys and tokens</strong> page in X’s developer portal. Generate the access token while
          signed in to X as the account Perch is connected to, with <strong>Read and write</strong> permission. Perch checks
          them once with X and keeps them encrypted; they are never shown again.</p>
        ${credentialField('api_key', 'API key', 'Also called the consumer key.')}
        ${credentialField('api_secret', 'API key secret', 'Also called the consumer secret.')}
        ${credentialField('access_token', 'Access token', 'Starts with your X account’s numeric id and a dash.')}
        ${credentialField('access_token_secret', 'Access token secret', '')}
        ${credentialField('bearer_token', 'Bearer token (optional)', 'For app-only calls such as reading the app’s usage.')}
        <div class="actions">
          <button id="save-x-app" type="submit" class="primary">Check and save</button>
          <button id="cancel-x-app" type="button">Cancel</button>
        </div>
      </form>
    </div>`;
}

export function settingsPage(
  asset: AssetUrl,
  { email, unreadCount = null }: { email: string; unreadCount?: number | null },
): Html {
  return layout(
    asset,
    'Settings',
    'settings.js',
    html`${topbar({ email, current: 'settings', unreadCount })}
<main class="settings">
  <h1>Settings</h1>
  <p id="page-message" class="message" role="status" hidden></p>

  <section class="card" aria-labelledby="accounts-heading">
    <h2 id="accounts-heading">Connected accounts</h2>
    <div id="x-row" class="account-row" role="group" data-state="" aria-labelledby="x-name">
      <div class="account-main">
        <div class="account-logo" aria-hidden="true">X</div>
        <div class="account-text">
          <div class="account-title">
            <h3 id="x-name" class="account-name">X</h3>
            <span id="x-chip" class="chip" data-tone="idle">Loading</span>
          </div>
          <p id="x-state-title" class="state-title">Loading…</p>
          <p id="x-state-sentence" class="sentence"></p>
          <p class="meta"><span id="x-handle" hidden></span><span id="x-checked-at">Not checked yet</span></p>
          <p id="x-sync" class="meta sync-status" data-tone="idle" aria-live="polite" hidden></p>
        </div>
      </div>
      <div class="actions">
        <button id="connect-x" type="button" class="primary">Connect X</button>
        <button id="sync-x" type="button" hidden>Sync now</button>
        <button id="check-x" type="button">Check now</button>
        <a id="x-open" class="button" href="https://x.com/home" target="_blank" rel="noopener noreferrer" hidden>Open x.com</a>
        <button id="disconnect-x" type="button" class="danger">Disconnect</button>
        <button id="show-code" type="button" class="link">Pair by hand</button>
      </div>
      <p id="x-message" class="message" role="status" aria-live="polite" hidden></p>

      <div id="connect-help" class="panel" hidden>
        <h3>Install the Perch extension</h3>
        <p id="connect-help-reason"></p>
        <ol>
          <li>In the Perch folder, run <code>pnpm build:extension</code>.</li>
          <li>Open <code>chrome://extensions</code> and turn on <strong>Developer mode</strong>.</li>
          <li>Click <strong>Load unpacked</strong> and choose the folder <code>extension/.output/chrome-mv3</code>.</li>
          <li>Come back to this page and click <strong>Connect X</strong> again.</li>
        </ol>
        <p class="hint">The extension answers only the addresses it was built for (by default 127.0.0.1:8787 and
          localhost:8787). This page is at <code id="connect-help-origin"></code>; if the extension does not list it, build it
          with <code>PERCH_SERVER_ORIGINS=<span id="connect-help-origin-env"></span> pnpm build:extension</code>, or use
          <strong>Pair by hand</strong>.</p>
      </div>

      <div id="pairing" class="panel" hidden>
        <h3>Pair by hand</h3>
        <p>Open the Perch extension's popup and enter this server URL and code. The code works once.</p>
        <dl class="pairing-fields">
          <dt>Server URL</dt><dd><code id="pairing-server-url"></code></dd>
          <dt>Pairing code</dt><dd><code id="pairing-code" class="pairing-code"></code></dd>
        </dl>
        <p id="pairing-expires" class="hint" aria-live="polite"></p>
        <button id="hide-code" type="button" class="link">Hide</button>
      </div>
    </div>
  ${xDmRow()}
  ${xPublishingRow()}
  </section>

  <section id="devices" class="card" aria-labelledby="devices-heading">
    <h2 id="devices-heading">Devices</h2>
    <p class="lede">Browsers paired with this server. A revoked device can no longer send cookies to Perch.</p>
    <p id="devices-message" class="message" role="status" aria-live="polite" hidden></p>
    <p id="devices-empty" class="empty" hidden>No devices yet. Click Connect X to pair this browser.</p>
    <table id="devices-table" hidden>
      <thead><tr><th scope="col">Name</th><th scope="col">Paired on</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody id="devices-body"></tbody>
    </table>
  </section>
</main>`,
  );
}

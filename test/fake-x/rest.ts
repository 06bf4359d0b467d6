import { restUser, type AccountStore } from './accounts.ts';
import type { FakeXAccount } from './types.ts';
import { html, json, pageDoesNotExist, xError, type FakeReply } from './replies.ts';

// /i/api/... is the web host (x.com), /1.1/... the API host (api.x.com, api.twitter.com).
const settingsPaths = new Set(['/i/api/account/settings.json', '/1.1/account/settings.json']);
const verifyCredentialsPaths = new Set([
  '/i/api/account/verify_credentials.json',
  '/1.1/account/verify_credentials.json',
]);
const usersShowPaths = new Set(['/i/api/1.1/users/show.json', '/1.1/users/show.json']);

/** REST answers for an already authenticated caller. */
export function answerRest(
  url: URL,
  me: FakeXAccount,
  accounts: AccountStore,
  strict = false,
): FakeReply {
  if (settingsPaths.has(url.pathname)) {
    // Real X leaves user_id out (x-cookie-api-realism.md "Account endpoints"), so bird goes on to
    // verify_credentials.json; the kind fake includes it so bird's first candidate succeeds.
    return json(200, {
      screen_name: me.screenName,
      ...(strict ? {} : { user_id: me.userId }),
      name: me.name,
      language: 'en',
      protected: me.protected === true,
    });
  }
  if (verifyCredentialsPaths.has(url.pathname)) return json(200, restUser(me));
  if (usersShowPaths.has(url.pathname)) {
    const account = accounts.byScreenName(url.searchParams.get('screen_name') ?? '');
    if (!account) return xError(404, 50, 'User not found.');
    if (account.suspended) return xError(403, 63, 'User has been suspended.');
    return json(200, restUser(account));
  }
  return pageDoesNotExist();
}

/**
 * The signed-in settings page. bird scrapes it with regexes for "screen_name", "user_id" (digits)
 * and "name", so the state is embedded the way X's web app embeds its initial state.
 */
export function settingsPage(me: FakeXAccount): FakeReply {
  const state = { settings: { screen_name: me.screenName, user_id: me.userId, name: me.name } };
  const script = `window.__INITIAL_STATE__=${JSON.stringify(state).replace(/</g, '\\u003c')};`;
  return html(
    200,
    `<!DOCTYPE html><html><head><title>Settings / X</title></head>` +
      `<body><script>${script}</script></body></html>`,
  );
}

/**
 * What the settings page says about connecting X direct messages. No zod, so the page's script bundles it small.
 */

/** Why the OAuth callback sent the user back to the settings page without a connection. */
export const xDmCallbackErrors = [
  'missing_params',
  'authorization_denied',
  'session_expired',
  'token_exchange_failed',
  'wrong_account',
  'client_forbidden',
  'usage_capped',
  'credits_depleted',
] as const;
/**
 * The sentence the settings page shows for each callback error.
 * @example xDmCallbackSentences.authorization_denied // 'You did not allow Perch…'
 */
export const xDmCallbackSentences: Record<(typeof xDmCallbackErrors)[number], string> = {
  missing_params:
    'X sent you back without the answer Perch needs (no code or state). Click Connect to try again.',
  authorization_denied:
    'You did not allow Perch to read your X direct messages, so nothing was connected.',
  session_expired:
    'That connection attempt expired or was already used. Click Connect to start again.',
  token_exchange_failed:
    'X did not accept Perch’s sign-in. Click Connect to try again; if it keeps failing, check X_CLIENT_ID, X_CLIENT_SECRET and the callback URL in X’s developer portal.',
  wrong_account:
    'You approved with a different X account from the one connected through the extension. Switch to that account on x.com, then click Connect again.',
  client_forbidden:
    'X refused the connection because your X app is not attached to a Project in X’s developer portal. Attach it, then click Connect again.',
  usage_capped:
    'X refused the connection because your X app has used its X API allowance for now. Wait until X resets it (or raise the plan in X’s developer portal), then click Connect again.',
  credits_depleted:
    'X refused the connection because your X app’s prepaid X API credits are spent. Add credits in X’s developer portal, then click Connect again.',
};

/** What the "Reconnect" notification and an expired row say. */
export const xDmExpiredSentence =
  'Reconnect X direct messages: X no longer accepts Perch’s access to them.';

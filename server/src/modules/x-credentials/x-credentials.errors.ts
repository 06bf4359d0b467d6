import { ProblemError } from '../../lib/http-problem.ts';
import type { XApiError } from '../x-api-v2/x-api-v2.errors.ts';

export const xCredentialsProblems = {
  /** X did not confirm the credentials: refused them (400), or could not be asked (503). */
  notVerified: (failure: XApiError) => {
    switch (failure.kind) {
      case 'unauthorized':
      case 'bad_request':
        return new ProblemError(
          400,
          'x_credentials.refused',
          'X refused these credentials',
          'X did not accept these credentials: copy the API key and secret and the access token and secret again from your app’s Keys and tokens page in X’s developer portal (the access token needs Read and write permission).',
        );
      case 'client_forbidden':
        return new ProblemError(
          400,
          'x_credentials.client_forbidden',
          'X refuses this app',
          'X refuses this app: attach it to a Project in X’s developer portal, then enter the credentials again.',
        );
      case 'credits_depleted':
        return new ProblemError(
          400,
          'x_credentials.credits_depleted',
          'The app’s credits are spent',
          'X refused because your X app’s prepaid credits are spent: add credits in X’s developer portal, then enter the credentials again.',
        );
      case 'usage_capped':
      case 'rate_limited':
        return new ProblemError(
          503,
          'x_credentials.x_busy',
          'X cannot check them now',
          'X’s limits for this app are used up for now, so Perch could not check these credentials: try again later.',
        );
      default:
        return new ProblemError(
          503,
          'x_credentials.x_unavailable',
          'X could not be reached',
          `Perch could not check these credentials with X (${failure.detail}): try again in a moment.`,
        );
    }
  },
  wrongAccount: (handle: string) =>
    new ProblemError(
      409,
      'x_credentials.wrong_account',
      'These credentials are another X account’s',
      `These credentials belong to @${handle}, not to the X account connected to Perch: generate the access token and secret while signed in to X as your own account.`,
    ),
};

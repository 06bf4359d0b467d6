/**
 * twitter-api-v2 hard-codes https://x.com and https://api.x.com and has no base-URL setting; this plugin sends
 * every request where Perch's configuration says X is (PERCH_X_ORIGIN for the authorize page,
 * PERCH_X_API_ORIGIN for the API and the OAuth token and revoke endpoints), with a timeout, and fixes two
 * habits of the library that X's own document disagrees with: the token endpoint takes form bodies, and the
 * PKCE method is spelled `S256`.
 */
import type { ITwitterApiClientPlugin } from 'twitter-api-v2';

const apiHosts = new Set(['api.x.com', 'api.twitter.com']);
const authorizePath = '/i/oauth2/authorize';

export function createXApiRouting(options: {
  xOrigin: string;
  xApiOrigin: string;
  timeoutMs: number;
}): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      const url = new URL(params.url);
      // Only the API host is ever requested; anything else (upload.x.com…) is not something Perch calls.
      if (!apiHosts.has(url.host)) throw new Error(`Perch does not call ${url.host}`);
      params.url = `${options.xApiOrigin}${url.pathname}${url.search}`;
      params.timeout = options.timeoutMs;
      if (url.pathname.startsWith('/2/oauth2/')) {
        params.forceBodyMode = 'url';
        // The library also puts the secret in the body; a confidential client authenticates with Basic only.
        const body = params.body as Record<string, unknown> | undefined;
        if (body) delete body.client_secret;
      }
    },
    onOAuth2RequestToken({ result }) {
      const url = new URL(result.url);
      if (url.pathname !== authorizePath) throw new Error('unexpected authorize URL');
      url.searchParams.set('code_challenge_method', 'S256');
      result.url = `${options.xOrigin}${authorizePath}?${url.searchParams.toString()}`;
    },
  };
}

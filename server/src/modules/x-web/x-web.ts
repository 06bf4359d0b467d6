/**
 * Perch's one way of talking to x.com: bird's library, routed through the x-fetch, with failures
 * classified from what X actually answered rather than from bird's error strings (which carry X's
 * response bodies and can mask a 401 as "not found").
 */
import type { XCookiePair } from '@perch/shared';
import { BirdClient, builtInQueryIds } from './bird-client.ts';
import { classifyFailure, unreadable, type XExchangeFailure } from './classify-failure.ts';
import { createXFetch } from './x-fetch.ts';
import { createXSession } from './x-session.ts';
import type {
  XAccount,
  XPort,
  XRequestBudget,
  XResult,
  XWebClient,
  XWebClientValues,
} from './x-types.ts';

export type { XAccount } from './x-types.ts';

/** verifyCookies' failure, in the shape the connection state (issue 2) was built on. */
export type XCheckFailure = XExchangeFailure;
export type XCheckResult = { ok: true; account: XAccount } | XCheckFailure;

export interface XWebOptions {
  xOrigin: string;
  xApiOrigin: string;
  /** Per request; bird's fallbacks mean one call can make several requests. */
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  /** Query ids, feature switches and bearer; default bird's own, never renewed (the server passes x-web-client). */
  webClient?: XWebClient;
  /** A Perch user's request budget at X; default none (no pacing). */
  budgetFor?: (userId: string) => XRequestBudget;
}

/** bird's own values, never renewed: for commands and tests that do not exercise a rotation. */
export const builtInWebClient: XWebClient = {
  current: async (): Promise<XWebClientValues> => ({
    queryId: (operation) => builtInQueryIds[operation],
    features: () => ({}),
    bearer: null,
  }),
  recover: async () => false,
};

export interface XWeb extends XPort {
  /** Asks X whose cookies these are, then proves its GraphQL API answers for that account. */
  verifyCookies(pair: XCookiePair, account?: { userId: string }): Promise<XCheckResult>;
}

export function createXWeb(options: XWebOptions): XWeb {
  const {
    xOrigin,
    xApiOrigin,
    timeoutMs,
    fetch,
    now = () => new Date(),
    webClient = builtInWebClient,
    budgetFor,
  } = options;
  const budget = (account?: { userId: string }) =>
    account && budgetFor ? budgetFor(account.userId) : null;

  async function healthCheck(
    pair: XCookiePair,
    account?: { userId: string },
  ): Promise<XResult<XAccount>> {
    // A fresh x-fetch per check, so its record holds this check's exchanges and no one else's.
    const xFetch = createXFetch({ xOrigin, xApiOrigin, fetch });
    const bird = new BirdClient({
      pair,
      fetch: xFetch,
      timeoutMs,
      webClient,
      budget: budget(account),
    });
    const fail = (since: number) =>
      classifyFailure(xFetch.exchanges.slice(since), {
        now: now(),
        timeoutMs,
        clientRejected: bird.clientRejected,
        pacedUntil: bird.pacedUntil,
      });

    const me = await bird.getCurrentUser();
    if (!me.success || !me.user) return fail(0);

    // settings.json works even when X's GraphQL API is broken for this client (a rotated query
    // id); every feature Perch builds on needs GraphQL, so a connection is only good if it answers.
    const lookupStart = xFetch.exchanges.length;
    const profile = await bird.lookUpUserByScreenName(me.user.username);
    if (!profile.success) return fail(lookupStart);

    const sameAccount = profile.userId === me.user.id;
    return {
      ok: true,
      value: {
        userId: me.user.id,
        handle: (sameAccount && profile.username) || me.user.username,
        name: (sameAccount && profile.name) || me.user.name,
      },
    };
  }

  return {
    healthCheck,
    async verifyCookies(pair, account) {
      const result = await healthCheck(pair, account);
      if (result.ok) return { ok: true, account: result.value };
      switch (result.kind) {
        case 'auth':
        case 'rate_limited':
          return result;
        case 'unavailable':
          return result;
        default: // healthCheck looks up the signed-in account itself, never someone gone
          return unreadable;
      }
    },
    forAccount: (pair, account) =>
      createXSession({
        pair,
        xOrigin,
        xApiOrigin,
        timeoutMs,
        fetch,
        now,
        webClient,
        budget: budget(account),
      }),
  };
}

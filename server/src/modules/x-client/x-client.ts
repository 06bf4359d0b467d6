/**
 * Perch's one way of talking to x.com: bird's library, routed through the x-fetch, with failures
 * classified from what X answered rather than from bird's error strings (which carry X's response
 * bodies and can mask a 401 as "not found").
 */
import type { XCookiePair } from '@perch/shared';
import { BirdClient } from './bird-client.ts';
import { classifyFailure, type XFailure } from './classify-failure.ts';
import { createXFetch } from './x-fetch.ts';

export interface XAccount {
  userId: string;
  handle: string;
  name: string;
}

export type XCheckResult = { ok: true; account: XAccount } | XFailure;

export interface XClientOptions {
  xOrigin: string;
  xApiOrigin: string;
  /** Per request; bird's fallbacks mean one check makes several requests. */
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
}

export interface XClient {
  /** Asks X whose cookies these are, then proves its GraphQL API answers for that account. */
  verifyCookies(pair: XCookiePair): Promise<XCheckResult>;
}

export function createXClient(options: XClientOptions): XClient {
  const { xOrigin, xApiOrigin, timeoutMs, fetch, now = () => new Date() } = options;
  return {
    async verifyCookies(pair) {
      // A fresh x-fetch per check, so its record holds this check's exchanges and no one else's.
      const xFetch = createXFetch({ xOrigin, xApiOrigin, fetch });
      const bird = new BirdClient({ pair, fetch: xFetch, timeoutMs });
      const fail = (since: number) =>
        classifyFailure(xFetch.exchanges.slice(since), { now: now(), timeoutMs });

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
        account: {
          userId: me.user.id,
          handle: (sameAccount && profile.username) || me.user.username,
          name: (sameAccount && profile.name) || me.user.name,
        },
      };
    },
  };
}

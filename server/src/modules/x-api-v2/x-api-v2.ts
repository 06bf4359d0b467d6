/**
 * The one place Perch speaks X API v2 (OAuth 2.0 with PKCE, /2/users, direct messages), through the real
 * twitter-api-v2 client, routed by x-api-routing.ts. Nothing else in Perch builds an X API URL. Every failure
 * comes out as an XApiError holding safe words only; tokens never appear in one.
 */
import http from 'node:http';
import https from 'node:https';
import { TwitterApi, type TwitterApiReadOnly } from 'twitter-api-v2';
import { withoutNul } from '@perch/shared';
import { refusedParameter, toRateLimit, toXApiError, XApiError } from './x-api-v2.errors.ts';
import { createXApiRouting } from './x-api-v2.routing.ts';

/** What Perch asks for: reading DMs needs dm.read + tweet.read + users.read; offline.access gives a refresh token. */
export const xDmScopes = ['dm.read', 'tweet.read', 'users.read', 'offline.access'] as const;
/** Asked for as well when the user turns publishing on: posting needs tweet.write, uploading media media.write. */
export const xPublishingScopes = ['tweet.write', 'media.write'] as const;

export interface XApiOptions {
  xOrigin: string;
  xApiOrigin: string;
  timeoutMs: number;
  clientId: string | null;
  clientSecret: string | null;
}

export interface XRateLimit {
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface XTokenSet {
  accessToken: string;
  refreshToken: string;
  /** Seconds, as X said (2 h). */
  expiresIn: number;
  scopes: string[];
}

export interface XApiUser {
  id: string;
  username: string;
  name: string;
}

/**
 * A MessageCreate event, as X sent it. None is left out for a missing field: without sender_id (or
 * dm_conversation_id) the sync works out whose it is from the rest of the page (x-dm.sync.ts placeDm).
 */
export interface XDmEvent {
  id: string;
  text: string;
  /** Null when X left sender_id off the event. */
  senderId: string | null;
  /** Null when X left dm_conversation_id off the event. */
  conversationId: string | null;
  /** Absent on MessageCreate since June 2025; the peer then comes from the `{low}-{high}` conversation id. */
  participantIds: string[] | null;
  createdAt: Date | null;
}

export interface XDmPage {
  /** Newest first, as X sends them. */
  events: XDmEvent[];
  /**
   * Senders X expanded (expansions=sender_id), by id: with event_types=MessageCreate, which carry no
   * participant_ids since June 2025, these are the page's senders, named on their events or not.
   */
  users: Map<string, XApiUser>;
  nextToken: string | null;
  rateLimit: XRateLimit | null;
  /** Requests the page took: 2 when X first refused sender_id as a dm_event field (see dmQuery). */
  requests: number;
}

/** X's body for a page of DM events, as far as Perch reads it (the library does not export its own type). */
interface DmEventsBody {
  data?: Array<{
    id: string;
    event_type?: string;
    text?: string;
    sender_id?: string;
    dm_conversation_id?: string;
    participant_ids?: string[];
    created_at?: string;
  }>;
  includes?: { users?: Array<{ id: string; name: string; username: string }> };
  meta?: { result_count?: number; next_token?: string };
}

/**
 * What Perch asks of a page of DM events. sender_id both as a field and as an expansion: X's guides ask for the
 * field (docs.x.com's DM quickstart: dm_event.fields=created_at,sender_id,text), while its document 2.167 lists
 * it only among the expansions, which bring their id field onto the event as everywhere in API v2. Should X
 * hold requests to the document and refuse the field (400 invalid-request naming dm_event.fields), Perch asks
 * again without it and, for as long as the process runs, asks without it from then on.
 */
const dmEventFields = 'id,text,event_type,created_at,dm_conversation_id';
const dmEventFieldsWithSender = `${dmEventFields},sender_id`;
const dmQuery = {
  max_results: 100,
  event_types: 'MessageCreate',
  expansions: 'sender_id,participant_ids',
  'user.fields': 'id,name,username',
};

function toDmPage(body: DmEventsBody, rateLimit: XRateLimit | null, requests: number): XDmPage {
  const users = new Map<string, XApiUser>();
  for (const user of body.includes?.users ?? [])
    users.set(user.id, { id: user.id, username: user.username, name: withoutNul(user.name) });
  const events: XDmEvent[] = [];
  for (const event of body.data ?? []) {
    // Only messages were asked for; an event without event_type is taken for one rather than left out.
    if (event.event_type !== undefined && event.event_type !== 'MessageCreate') continue;
    events.push({
      id: event.id,
      text: withoutNul(event.text ?? ''), // PostgreSQL cannot hold a NUL
      senderId: event.sender_id ?? null,
      conversationId: event.dm_conversation_id ?? null,
      participantIds: event.participant_ids ?? null,
      createdAt: event.created_at ? new Date(event.created_at) : null,
    });
  }
  return { events, users, nextToken: body.meta?.next_token ?? null, rateLimit, requests };
}

export type XApi = ReturnType<typeof createXApi>;
export type XApiSession = ReturnType<XApi['forToken']>;

/** The library's settings every Perch client shares: routed to PERCH_X_API_ORIGIN, one keep-alive agent, the timeout. */
export function xApiClientSettings(
  options: Pick<XApiOptions, 'xOrigin' | 'xApiOrigin' | 'timeoutMs'>,
) {
  const { timeoutMs } = options;
  return {
    plugins: [createXApiRouting(options)],
    httpAgent: options.xApiOrigin.startsWith('http:')
      ? new http.Agent({ keepAlive: true, timeout: timeoutMs })
      : new https.Agent({ keepAlive: true, timeout: timeoutMs }),
  };
}

export function createXApi(options: XApiOptions) {
  const { timeoutMs } = options;
  const settings = xApiClientSettings(options);
  const app = options.clientId
    ? new TwitterApi(
        { clientId: options.clientId, clientSecret: options.clientSecret ?? undefined },
        settings,
      )
    : null;
  // Until X refuses sender_id as a dm_event field (see dmQuery).
  let senderIdAsField = true;

  const needApp = () => {
    if (!app) throw new XApiError('unavailable', 'X_CLIENT_ID is not set');
    return app;
  };
  const call = async <T>(what: () => Promise<T>, tokenEndpoint = false): Promise<T> => {
    try {
      return await what();
    } catch (error) {
      throw toXApiError(error, { tokenEndpoint, timeoutMs });
    }
  };
  const tokenSet = (result: {
    accessToken: string;
    refreshToken?: string;
    expiresIn: number;
    scope: string[];
  }): XTokenSet => {
    if (!result.refreshToken)
      throw new XApiError('invalid_grant', 'X gave no refresh token (offline.access missing)');
    return {
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      expiresIn: result.expiresIn,
      scopes: result.scope,
    };
  };

  return {
    configured: app !== null,
    clientType: !options.clientId
      ? null
      : options.clientSecret
        ? ('confidential' as const)
        : ('public' as const),

    /** The page to send the user to, and the PKCE verifier to keep (encrypted) until the callback. */
    authorizeLink(redirectUri: string, state: string, { publishing = false } = {}) {
      const scope = publishing ? [...xDmScopes, ...xPublishingScopes] : [...xDmScopes];
      const link = needApp().generateOAuth2AuthLink(redirectUri, { scope, state });
      return { url: link.url, codeVerifier: link.codeVerifier };
    },

    exchangeCode: async (input: { code: string; codeVerifier: string; redirectUri: string }) =>
      tokenSet(await call(() => needApp().loginWithOAuth2(input), true)),

    /** X refresh tokens are single-use: the returned pair replaces the stored one at once. */
    refresh: async (refreshToken: string) =>
      tokenSet(await call(() => needApp().refreshOAuth2Token(refreshToken), true)),

    async revoke(token: string, kind: 'access_token' | 'refresh_token') {
      await call(() => needApp().revokeOAuth2Token(token, kind), true);
    },

    /** Calls made with one user's access token. */
    forToken(accessToken: string) {
      const v2 = (new TwitterApi(accessToken, settings) as TwitterApiReadOnly).v2;
      const dmPage = async (
        path: string,
        params: Record<string, string> | undefined,
        paginationToken: string | null,
      ) => {
        const get = (fields: string) =>
          v2.get<DmEventsBody>(
            path,
            {
              ...dmQuery,
              'dm_event.fields': fields,
              ...(paginationToken ? { pagination_token: paginationToken } : {}),
            },
            { fullResponse: true, params },
          );
        let requests = 1;
        const res = await call(async () => {
          if (!senderIdAsField) return get(dmEventFields);
          try {
            return await get(dmEventFieldsWithSender);
          } catch (error) {
            if (!refusedParameter(error, 'dm_event.fields')) throw error;
            senderIdAsField = false;
            requests = 2;
            return get(dmEventFields);
          }
        });
        return toDmPage(res.data, toRateLimit(res.rateLimit), requests);
      };
      return {
        async me(): Promise<XApiUser> {
          const res = await call(() => v2.me({ 'user.fields': ['id', 'name', 'username'] }));
          return { id: res.data.id, username: res.data.username, name: res.data.name };
        },
        /** One page of the user's DM events, newest first. */
        dmEvents: (paginationToken: string | null) =>
          dmPage('dm_events', undefined, paginationToken),
        /** One page of the one-to-one conversation with `participantId`, newest first. */
        dmEventsWith: (participantId: string, paginationToken: string | null) =>
          dmPage(
            'dm_conversations/with/:participant_id/dm_events',
            { participant_id: participantId },
            paginationToken,
          ),
        /** Handles and names for up to 100 user ids (accounts X no longer knows are left out). */
        async usersByIds(ids: string[]): Promise<XApiUser[]> {
          if (ids.length === 0) return [];
          const res = await call(() =>
            v2.users(ids.slice(0, 100), { 'user.fields': ['id', 'name', 'username'] }),
          );
          return (res.data ?? []).map((u) => ({
            id: u.id,
            username: u.username,
            name: withoutNul(u.name),
          }));
        },
      };
    },
  };
}

/**
 * DM sync: X's direct messages onto contacts' timelines. `GET /2/dm_events` has no since_id, so a pass pages
 * newest-first (100 a page) until it meets the stored cursor (ids compared as BigInt), imports each page, and
 * moves the cursor to the newest id it saw only when it is over. A pass that has to stop early (X's budget,
 * an outage) keeps X's pagination token and that newest id, written after the page's rows are committed, and
 * the next run goes on from there: nothing older is skipped, and whatever arrived meanwhile is newer than the
 * pass's newest id, so the pass after picks it up. An idle sync costs one request. Every request first takes
 * one from the user's budget (x-dm.queries reserveBudget), so Perch never sends one X would refuse.
 *
 * What happens after X refuses, by kind (x-api-v2.errors.ts), each with its own sentence (failureSentence):
 * - rate_limited (the 15-minute budget): paused; the job queues itself for X's reset.
 * - unauthorized (401 after one refresh, or a 403 on the token or its scopes): "reconnect"; an invalid_grant
 *   on refresh marks the connection expired (x-dm.tokens.ts).
 * - client_forbidden, credits_depleted: the X app's own standing, fixed in X's developer portal at a time only
 *   the user knows: nothing tries again by itself (no queued retry, the daily run leaves the user out,
 *   x-dm.service dailySyncUserIds) until Sync DMs now or the contact page's sync asks X again.
 * - usage_capped: the Project's cap ends on a day X does not tell a user token (its x-rate-limit-reset is the
 *   15-minute window's, not the cap's): no queued retry; the daily run tries again, one request a day.
 * None of them touches the grant. Notifications: at most one a day per kind.
 */
import type { XDmFailureKind, XDmSyncResult } from '@perch/shared';
import type { Logger } from '../../lib/logger.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import {
  compareXIds,
  isAfterCursor,
  type InteractionsService,
} from '../interactions/interactions.service.ts';
import { dailyKey, type NotificationsService } from '../notifications/notifications.service.ts';
import type { XApi, XApiSession, XApiUser, XDmEvent, XDmPage } from '../x-api-v2/x-api-v2.ts';
import { XApiError, type XApiFailureKind } from '../x-api-v2/x-api-v2.errors.ts';
import { xDmProblems } from './x-dm.errors.ts';
import type { XDmQueries } from './x-dm.queries.ts';
import type { XDmTokens } from './x-dm.tokens.ts';

/** X's DM lookup budget: 15 requests per 15 minutes, per user and endpoint (until X's headers say otherwise). */
export const dmBudget = { windowMs: 15 * 60_000, defaultLimit: 15 };
export type DmEndpoint = 'dm_events' | 'dm_conversation_with';

export interface XDmSyncDeps {
  xDmQueries: XDmQueries;
  tokens: XDmTokens;
  xApi: XApi;
  contacts: ContactsService;
  interactions: InteractionsService;
  notifications: NotificationsService;
  logger: Logger;
  now: () => Date;
}

type Counts = Pick<XDmSyncResult, 'imported' | 'unknown' | 'requests' | 'unplaced'>;
type Stop =
  | { stop: 'paused'; resumeAt: Date }
  | { stop: 'failed'; error: string; failure: XApiError | null; expired?: boolean };

/** The other person in a DM: from participant_ids, else the `{low}-{high}` conversation id, else (a group) the sender. */
export function peerOf(
  event: Pick<XDmEvent, 'participantIds'> & { senderId: string; conversationId: string },
  meId: string,
): string | null {
  const others = (event.participantIds ?? []).filter((id) => id !== meId);
  if (event.participantIds && others.length === 1) return others[0]!;
  const oneToOne = /^(\d+)-(\d+)$/.exec(event.conversationId);
  if (!event.participantIds && oneToOne) {
    const other = oneToOne[1] === meId ? oneToOne[2]! : oneToOne[2] === meId ? oneToOne[1]! : null;
    return other === meId ? null : other;
  }
  // A group: a message is with its sender; the user's own messages to a group are with nobody in particular.
  return event.senderId === meId ? null : event.senderId;
}

/** The one-to-one peer a conversation id names beside `meId` (`{low}-{high}`), undefined when it is not one. */
function oneToOnePeer(conversationId: string | null, meId: string): string | null | undefined {
  const ids = /^(\d+)-(\d+)$/.exec(conversationId ?? '');
  if (!ids) return undefined;
  return ids[1] === meId ? ids[2]! : ids[2] === meId ? ids[1]! : null;
}
const oneToOneId = (a: string, b: string) => (BigInt(a) < BigInt(b) ? `${a}-${b}` : `${b}-${a}`);

export type Placement =
  | { senderId: string; conversationId: string | null; peerId: string | null; inferred: boolean }
  | { missing: 'sender_id' | 'dm_conversation_id' };

/**
 * Whose a DM is and whom it is with, from the event and, when X left sender_id off it, from the rest of the page.
 * X's includes.users (the sender_id expansion) names the page's senders. When it names someone no event's
 * sender_id accounts for, X expanded the senders it left off the events, and an event's sender is known if
 * exactly one of its possible senders is named: the user or the peer of a one-to-one conversation (from
 * participant_ids, `{low}-{high}` or the conversation being read), anyone for a group. Otherwise (both wrote on
 * the page, or X named nobody besides the events' own senders) X did not say: `missing`.
 * `withPeer`: the participant of a per-contact lookup, whose conversation it is.
 */
export function placeDm(
  event: XDmEvent,
  meId: string,
  page: Pick<XDmPage, 'events' | 'users'>,
  withPeer: string | null = null,
): Placement {
  const conversationId = event.conversationId ?? (withPeer ? oneToOneId(meId, withPeer) : null);
  const participants = (event.participantIds ?? []).filter((id) => id !== meId);
  const peer = participants.length === 1 ? participants[0]! : oneToOnePeer(conversationId, meId);
  let senderId = event.senderId;
  let inferred = false;
  if (!senderId) {
    const named = new Set(page.users.keys());
    const accounted = new Set(page.events.flatMap((e) => (e.senderId ? [e.senderId] : [])));
    const expandedOthers = [...named].some((id) => !accounted.has(id));
    const possible = peer ? [...new Set([meId, peer])] : [...named];
    const matches = possible.filter((id) => named.has(id));
    if (!expandedOthers || matches.length !== 1) return { missing: 'sender_id' };
    senderId = matches[0]!;
    inferred = true;
  }
  if (!conversationId) {
    // Without a conversation, a message is with its sender; the user's own cannot be placed.
    return senderId === meId
      ? { missing: 'dm_conversation_id' }
      : { senderId, conversationId: null, peerId: senderId, inferred };
  }
  return {
    senderId,
    conversationId,
    peerId: peerOf({ ...event, senderId, conversationId }, meId),
    inferred,
  };
}

/** What the settings row, the contact page and the notification say when a run stops on X's answer. */
export function failureSentence(failure: XApiError | null, fallback: string) {
  if (!failure) return fallback;
  switch (failure.kind) {
    case 'unauthorized':
      return 'X refused Perch’s access to your direct messages; reconnect them on the settings page.';
    case 'unavailable':
      return `X is not answering right now (${failure.detail}); Perch tries again by itself.`;
    case 'client_forbidden':
      return 'Your X app is not attached to a Project in X’s developer portal, so X refuses direct-message lookups. Attach it, then click Sync DMs now.';
    case 'usage_capped':
      return `Your X app has used its ${failure.usagePeriod ?? 'monthly'} X API allowance; Perch tries again once a day, so DM sync resumes by itself when X resets it (or raise the plan in X’s developer portal, then click Sync DMs now).`;
    case 'credits_depleted':
      return 'Your X app’s prepaid X API credits are spent; add credits in X’s developer portal, then click Sync DMs now.';
    default:
      return `X refused the request (${failure.detail}).`;
  }
}

export type XDmSync = ReturnType<typeof createXDmSync>;

/** The publishing-only kinds are 403s: reading DMs shows them as the token refused. */
const dmFailureKind = (kind: XApiFailureKind | undefined): XDmFailureKind | null =>
  kind === undefined
    ? null
    : kind === 'duplicate_content' ||
        kind === 'reply_target_unavailable' ||
        kind === 'missing_scope'
      ? 'unauthorized'
      : kind;

export function createXDmSync({
  xDmQueries,
  tokens,
  xApi,
  contacts,
  interactions,
  notifications,
  logger,
  now,
}: XDmSyncDeps) {
  const log = logger.child({ module: 'x-dm', provider: 'x' });

  /** One request to a DM endpoint: budget first, then a token (refreshed once if X refuses it). */
  async function request(
    userId: string,
    endpoint: DmEndpoint,
    counts: Counts,
    send: (session: XApiSession) => Promise<XDmPage>,
  ): Promise<XDmPage | Stop> {
    let access = await tokens.accessFor(userId);
    for (let attempt = 0; ; attempt++) {
      if (!access.ok) {
        const failure = access.reason === 'unavailable' ? (access.failure ?? null) : null;
        return {
          stop: 'failed',
          error: failureSentence(failure, access.detail),
          failure,
          expired: access.reason !== 'unavailable',
        };
      }
      if (
        !(await xDmQueries.reserveBudget(
          userId,
          endpoint,
          now(),
          dmBudget.windowMs,
          dmBudget.defaultLimit,
        ))
      ) {
        const budget = await xDmQueries.budget(userId, endpoint);
        return {
          stop: 'paused',
          resumeAt: budget?.resetAt ?? new Date(now().getTime() + dmBudget.windowMs),
        };
      }
      counts.requests++;
      try {
        const page = await send(xApi.forToken(access.accessToken));
        // X refusing sender_id as a field costs one more request, not reserved: X's headers below correct the budget.
        counts.requests += page.requests - 1;
        if (page.rateLimit) await xDmQueries.recordBudget(userId, endpoint, page.rateLimit, now());
        return page;
      } catch (error) {
        const failure =
          error instanceof XApiError
            ? error
            : new XApiError('unavailable', 'X could not be reached');
        if (failure.rateLimit)
          await xDmQueries.recordBudget(userId, endpoint, failure.rateLimit, now());
        // Only the 15-minute budget pauses until X's reset; a cap, spent credits or an app X refuses fail (see above).
        if (failure.kind === 'rate_limited')
          return { stop: 'paused', resumeAt: failure.rateLimit!.resetAt };
        if (failure.kind === 'unauthorized' && failure.status === 401 && attempt === 0) {
          access = await tokens.refresh(userId, { staleJwe: access.tokensJwe });
          continue;
        }
        return { stop: 'failed', error: failureSentence(failure, ''), failure };
      }
    }
  }

  /** Handles for peers that are not contacts and whom X did not expand (the user's own messages to strangers). */
  async function lookUpPeers(session: XApiSession, ids: string[]): Promise<Map<string, XApiUser>> {
    try {
      return new Map((await session.usersByIds(ids)).map((u) => [u.id, u]));
    } catch (error) {
      log.info(
        { errorClass: error instanceof XApiError ? error.kind : 'unknown', peers: ids.length },
        'x user lookup failed; dm peers kept without handles',
      );
      return new Map();
    }
  }

  /**
   * Imports a page's events newer than `cursor`; `reachedCursor` when the page went past it. An event X does not
   * say enough about to place is counted (`unplaced`) and logged by id (never its text), not dropped silently.
   */
  async function importPage(
    userId: string,
    meId: string,
    page: XDmPage,
    cursor: string | null,
    counts: Counts,
    withPeer: string | null = null,
  ) {
    const events = page.events.filter((e) => isAfterCursor(e.id, cursor));
    const peers: Array<{ event: XDmEvent & { senderId: string }; peerId: string }> = [];
    let inferred = 0;
    for (const event of events) {
      const placed = placeDm(event, meId, page, withPeer);
      if ('missing' in placed) {
        counts.unplaced++;
        log.warn(
          { userId, eventId: event.id, missing: placed.missing },
          'x dm event left out: X did not say whose it is',
        );
        continue;
      }
      if (placed.inferred) inferred++;
      if (placed.peerId)
        peers.push({
          event: { ...event, senderId: placed.senderId, conversationId: placed.conversationId },
          peerId: placed.peerId,
        });
    }
    if (inferred > 0)
      log.info(
        { userId, events: inferred },
        'x dm senders taken from the expanded users (X sent no sender_id)',
      );
    const users = new Map(page.users);
    const peerIds = [...new Set(peers.map((p) => p.peerId))];
    const unresolved: string[] = [];
    for (const peerId of peerIds) {
      if (!users.has(peerId) && !(await contacts.findByXUserIdOrHandle(userId, peerId, null)))
        unresolved.push(peerId);
    }
    if (unresolved.length > 0) {
      const access = await tokens.accessFor(userId);
      if (access.ok)
        for (const [id, user] of await lookUpPeers(xApi.forToken(access.accessToken), unresolved))
          users.set(id, user);
    }
    // one lookup per person on the page, not per message
    const contactOf = new Map<
      string,
      Awaited<ReturnType<ContactsService['findByXUserIdOrHandle']>>
    >();
    for (const peerId of peerIds)
      contactOf.set(
        peerId,
        await contacts.findByXUserIdOrHandle(userId, peerId, users.get(peerId)?.username ?? null),
      );
    for (const { event, peerId } of [...peers].reverse()) {
      const peer = users.get(peerId);
      const item = {
        kind: 'dm' as const,
        direction: event.senderId === meId ? ('outbound' as const) : ('inbound' as const),
        xId: event.id,
        occurredAt: event.createdAt ?? now(),
        text: event.text,
        data: { dmConversationId: event.conversationId, senderId: event.senderId },
      };
      const contact = contactOf.get(peerId);
      if (contact) {
        if ((await interactions.record(userId, { contactId: contact.id, ...item })).inserted)
          counts.imported++;
      } else if (
        (
          await interactions.recordUnknown(userId, {
            ...item,
            xUserId: peerId,
            xHandle: peer?.username ?? null,
            name: peer?.name ?? '',
          })
        ).inserted
      ) {
        counts.unknown++;
      }
    }
    return { reachedCursor: events.length < page.events.length, fresh: events.length };
  }

  const result = (startedAt: Date, counts: Counts, stop: Stop | null): XDmSyncResult => ({
    status: !stop ? 'finished' : stop.stop,
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    ...counts,
    resumeAt: stop?.stop === 'paused' ? stop.resumeAt.toISOString() : null,
    error:
      stop?.stop === 'failed'
        ? stop.error
        : stop?.stop === 'paused'
          ? 'X’s limit for direct messages is used up for now; the sync goes on by itself.'
          : null,
    errorKind: stop?.stop === 'failed' ? dmFailureKind(stop.failure?.kind) : null,
  });

  async function reportFailure(userId: string, stop: Stop) {
    if (stop.stop !== 'failed' || stop.expired || !stop.failure) return; // expiry has its own notification
    log.warn(
      {
        userId,
        errorClass: stop.failure.kind,
        status: stop.failure.status,
        detail: stop.failure.detail,
      },
      'x dm sync failed',
    );
    await notifications.notify(userId, {
      kind: 'sync_failed',
      title: `X DM sync unavailable — ${stop.error}`,
      dedupeKey: dailyKey(`sync_failed:x_dm:${stop.failure.kind}`, now()),
    });
  }

  return {
    async markQueued(userId: string) {
      const at = now().toISOString();
      await xDmQueries.recordSync(userId, {
        lastSyncResult: {
          status: 'queued',
          startedAt: at,
          finishedAt: null,
          imported: 0,
          unknown: 0,
          requests: 0,
          unplaced: 0,
          resumeAt: null,
          error: null,
          errorKind: null,
        },
      });
    },

    /** The whole DM history since the cursor (or since the pass that stopped early). */
    async syncAll(userId: string): Promise<XDmSyncResult> {
      const row = await xDmQueries.find(userId);
      const startedAt = now();
      const counts: Counts = { imported: 0, unknown: 0, requests: 0, unplaced: 0 };
      if (!row || row.state !== 'connected')
        return result(startedAt, counts, {
          stop: 'failed',
          error: 'X direct messages are not connected.',
          failure: null,
          expired: true,
        });
      await xDmQueries.recordSync(userId, {
        lastSyncResult: { ...result(startedAt, counts, null), status: 'running', finishedAt: null },
      });

      let token = row.dmPassToken;
      let newest = row.dmPassNewestId;
      let restarted = false;
      let stop: Stop | null = null;
      for (;;) {
        const page = await request(userId, 'dm_events', counts, (session) =>
          session.dmEvents(token),
        );
        if ('stop' in page) {
          // X no longer knows the token of a pass that stopped long ago: go over it again from the top (imports are idempotent).
          if (
            page.stop === 'failed' &&
            page.failure?.kind === 'bad_request' &&
            token &&
            !restarted
          ) {
            restarted = true;
            token = null;
            newest = null;
            continue;
          }
          stop = page;
          break;
        }
        for (const event of page.events)
          if (newest === null || compareXIds(event.id, newest) > 0) newest = event.id;
        const { reachedCursor } = await importPage(
          userId,
          row.xUserId,
          page,
          row.twitterDmCursor,
          counts,
        );
        if (reachedCursor || !page.nextToken) {
          await xDmQueries.finishPass(userId, newest);
          break;
        }
        token = page.nextToken;
        await xDmQueries.savePass(userId, token, newest);
      }
      const done = result(startedAt, counts, stop);
      await xDmQueries.recordSync(userId, { lastSyncAt: now(), lastSyncResult: done });
      if (stop) await reportFailure(userId, stop);
      log.info(
        {
          userId,
          status: done.status,
          imported: done.imported,
          unknown: done.unknown,
          unplaced: done.unplaced,
          requests: done.requests,
        },
        'x dm sync done',
      );
      return done;
    },

    /**
     * One contact's conversation, from the contact page. Pages newest-first until the cursor, a page with nothing
     * new, or the end; it keeps no resume point of its own (the full sync covers whatever it leaves).
     */
    async syncContact(userId: string, contactId: string): Promise<XDmSyncResult> {
      const contact = await contacts.get(userId, contactId);
      const row = await xDmQueries.find(userId);
      if (!row || row.state !== 'connected') throw xDmProblems.notConnected();
      if (!contact.xUserId) throw xDmProblems.noXAccount(contact.name);
      const startedAt = now();
      const counts: Counts = { imported: 0, unknown: 0, requests: 0, unplaced: 0 };
      let token: string | null = null;
      let stop: Stop | null = null;
      for (;;) {
        const page = await request(userId, 'dm_conversation_with', counts, (session) =>
          session.dmEventsWith(contact.xUserId!, token),
        );
        if ('stop' in page) {
          stop = page;
          break;
        }
        const before = counts.imported + counts.unknown + counts.unplaced;
        const { reachedCursor } = await importPage(
          userId,
          row.xUserId,
          page,
          row.twitterDmCursor,
          counts,
          contact.xUserId,
        );
        if (
          reachedCursor ||
          counts.imported + counts.unknown + counts.unplaced === before ||
          !page.nextToken
        )
          break;
        token = page.nextToken;
      }
      if (stop) await reportFailure(userId, stop);
      log.info(
        {
          userId,
          contactId,
          imported: counts.imported,
          requests: counts.requests,
          status: stop?.stop ?? 'finished',
        },
        'x dm contact sync done',
      );
      return result(startedAt, counts, stop);
    },
  };
}

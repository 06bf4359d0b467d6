/**
 * The cookie-based syncs: mentions, the user's own replies, and contacts' bios, turned into CRM data.
 * A failure is one structured log line, at most one notification per error class per day, zero results, and
 * cursors left where they were; an answer about the whole account (auth, rate limit, outage) also shows on
 * the connection. Nothing here throws for X's reasons.
 */
import type { Logger } from '../../lib/logger.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { XSyncStateQueries } from './x-sync.queries.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { XFailure } from '../x-web/classify-failure.ts';
import { isNewer, tweetUrl } from '../x-web/x-read.ts';
import type { XPort, XSession, XTweet } from '../x-web/x-types.ts';
import type { XConnectionService } from '../x-connection/x-connection.service.ts';
import { createSyncSessions, failureSentence, type OpenedSession } from './x-sync.sessions.ts';

export type SyncName = 'mentions' | 'replies' | 'bios';

export const syncLabels: Record<SyncName, string> = {
  mentions: 'mention',
  replies: 'reply',
  bios: 'bio',
};

export type SyncOutcome =
  | {
      sync: SyncName;
      ok: true;
      imported: number;
      unknown?: number;
      avatars?: number;
      /** Bios: contacts checked in the current round (this run and the earlier ones of the round), of all with a handle. */
      contactsDone?: number;
      contactsTotal?: number;
      /** false when the run stopped before the end (a page cap); the next run goes on from there. */
      complete?: boolean;
    }
  | { sync: SyncName; ok: false; skipped: 'not_connected' | 'rate_limited'; retryAt?: string }
  | {
      sync: SyncName;
      ok: false;
      errorClass: XFailure['kind'];
      imported: number;
      message: string;
      retryAt?: string;
      paced?: boolean;
      contactsDone?: number;
      contactsTotal?: number;
    };

export interface XSyncDeps {
  xPort: XPort;
  xConnection: XConnectionService;
  contacts: ContactsService;
  interactions: InteractionsService;
  xSyncState: XSyncStateQueries;
  notifications: NotificationsService;
  logger: Logger;
  now: () => Date;
}

export type XSyncService = ReturnType<typeof createXSyncService>;

interface Peer {
  xUserId: string | null;
  handle: string | null;
  name: string;
}

interface TweetSync {
  sync: 'mentions' | 'replies';
  kind: 'mention_in' | 'reply_out';
  /** X's Latest search for it: UserTweets leaves replies to others out, a search of them does not. */
  query(account: { handle: string; xUserId: string }): string;
  /** Whom the tweet is an interaction with, or null to skip it. */
  peerOf(tweet: XTweet, account: { xUserId: string }): Peer | null;
}

// A first pass (no cursor yet) reads this many pages, the latest 100 tweets; every later pass reads all that is new.
const firstPassPages = 5;
// A pass goes on in the next run after this many pages, so one run never holds the account for long.
const pagesPerRun = 60;
// A new round of bio checks begins when the last one is complete, or this old (incomplete: the budget ran out).
const roundMaxAgeMs = 20 * 60 * 60 * 1000;

const oldestFirst = (tweets: XTweet[]) => [...tweets].reverse();
const occurredAt = (tweet: XTweet, fallback: Date) => tweet.createdAt ?? fallback;

export function createXSyncService({
  xPort,
  xConnection,
  contacts,
  interactions,
  xSyncState,
  notifications,
  logger,
  now,
}: XSyncDeps) {
  const log = logger.child({ provider: 'x', module: 'x-sync' });
  const sessions = createSyncSessions({ xPort, xConnection, notifications, logger, now });

  async function fail(
    userId: string,
    sync: SyncName,
    failure: XFailure,
    imported = 0,
  ): Promise<SyncOutcome> {
    await sessions.fail(userId, { sync, label: syncLabels[sync] }, failure);
    const retryAt =
      failure.kind === 'rate_limited'
        ? { retryAt: failure.retryAt.toISOString(), ...(failure.paced ? { paced: true } : {}) }
        : {};
    return {
      sync,
      ok: false,
      errorClass: failure.kind,
      imported,
      message: failureSentence(failure),
      ...retryAt,
    };
  }

  /** The account's session, or why there is none (not connected, or X's rate-limit gate is closed). */
  async function open(userId: string, sync: SyncName): Promise<OpenedSession | SyncOutcome> {
    const opened = await sessions.open(userId);
    return 'skipped' in opened ? { sync, ok: false, ...opened } : opened;
  }

  /**
   * Downloads a contact's avatar when the profile names another one than Perch holds (the first time, and after
   * a change): an unchanged avatar costs no request. A failed download is logged and skipped; it never fails
   * the bio sync, and the next run tries again.
   */
  async function keepAvatar(
    session: XSession,
    userId: string,
    contactId: string,
    url: string,
  ): Promise<boolean> {
    if ((await contacts.avatarSource(contactId)) === url) return false;
    const image = await session.image(url);
    if (!image.ok) {
      const detail = image.kind === 'unavailable' ? image.detail : image.kind;
      log[image.kind === 'not_found' ? 'debug' : 'warn'](
        { userId, sync: 'bios', contactId, avatar: detail },
        'x avatar not downloaded',
      );
      return false;
    }
    return contacts.storeAvatar(contactId, { ...image.value, sourceUrl: url });
  }

  /** Puts one tweet on its contact's timeline, or keeps it with the unknown authors. */
  async function importTweet(userId: string, tweet: XTweet, kind: TweetSync['kind'], peer: Peer) {
    const contact = await contacts.findByXUserIdOrHandle(userId, peer.xUserId, peer.handle);
    const item = {
      kind,
      direction: kind === 'mention_in' ? ('inbound' as const) : ('outbound' as const),
      xId: tweet.id,
      occurredAt: occurredAt(tweet, now()),
      text: tweet.text,
      data: { url: tweetUrl(tweet) },
    };
    if (contact)
      return {
        known: true,
        inserted: (await interactions.record(userId, { contactId: contact.id, ...item })).inserted,
      };
    if (!peer.xUserId || !peer.handle) return { known: false, inserted: false };
    return {
      known: false,
      inserted: (
        await interactions.recordUnknown(userId, {
          ...item,
          xUserId: peer.xUserId,
          xHandle: peer.handle,
          name: peer.name,
        })
      ).inserted,
    };
  }

  /**
   * Mentions and replies, by passes of X's Latest search from the newest tweet down to the stored cursor. Each page
   * is imported (oldest first) and the pass's place saved before the next page is asked for; the cursor moves only
   * when the pass has come all the way down, so a pass stopped by a limit, an error or a crash goes on next time
   * from where it stopped, and nothing below it is ever skipped.
   */
  async function syncTweets(userId: string, spec: TweetSync): Promise<SyncOutcome> {
    const opened = await open(userId, spec.sync);
    if ('sync' in opened) return opened;
    const state = await xSyncState.get(userId);
    const floor = (spec.sync === 'mentions' ? state?.mentionsCursor : state?.repliesCursor) ?? null;
    const pass = (spec.sync === 'mentions' ? state?.mentionsPass : state?.repliesPass) ?? {
      next: null,
      top: null,
      pages: 0,
    };
    let imported = 0;
    let unknown = 0;
    for (let page = 0; page < pagesPerRun; page++) {
      const result = await opened.session.search(spec.query(opened), { cursor: pass.next });
      if (!result.ok) return fail(userId, spec.sync, result, imported);
      const { tweets, nextCursor } = result.value;
      const fresh = tweets.filter((t) => isNewer(t.id, floor));
      for (const tweet of oldestFirst(fresh)) {
        // skipped tweets (a thread with oneself) are dealt with too: the cursor may pass them
        if (isNewer(tweet.id, pass.top)) pass.top = tweet.id;
        const peer = spec.peerOf(tweet, opened);
        if (!peer) continue;
        const r = await importTweet(userId, tweet, spec.kind, peer);
        if (r.inserted && r.known) imported++;
        else if (r.inserted) unknown++;
      }
      pass.pages++;
      const reachedFloor = fresh.length < tweets.length;
      const firstPassDone = floor === null && pass.pages >= firstPassPages;
      if (reachedFloor || firstPassDone || tweets.length === 0 || !nextCursor) {
        // only after the rows are committed, so a crash in between re-reads (idempotently) rather than skips
        await xSyncState.finishPass(userId, spec.sync, pass.top);
        await sessions.succeeded(userId);
        log.info({ userId, sync: spec.sync, imported, unknown, pages: pass.pages }, 'x sync done');
        return { sync: spec.sync, ok: true, imported, unknown, complete: true };
      }
      pass.next = nextCursor;
      await xSyncState.savePass(userId, spec.sync, pass);
    }
    await sessions.succeeded(userId);
    log.info(
      { userId, sync: spec.sync, imported, unknown, pages: pass.pages },
      'x sync pass goes on in the next run',
    );
    return { sync: spec.sync, ok: true, imported, unknown, complete: false };
  }

  return {
    syncMentions: (userId: string) =>
      syncTweets(userId, {
        sync: 'mentions',
        kind: 'mention_in',
        query: (account) => `@${account.handle}`,
        // the user mentioning themselves is not an interaction with anyone
        peerOf: (tweet, account) =>
          tweet.authorId === account.xUserId
            ? null
            : { xUserId: tweet.authorId, handle: tweet.authorHandle, name: tweet.authorName },
      }),

    syncReplies: (userId: string) =>
      syncTweets(userId, {
        sync: 'replies',
        kind: 'reply_out',
        query: (account) => `from:${account.handle} filter:replies`,
        // a thread with oneself is not a reply to anyone; nor is someone else's tweet (a search is a search)
        peerOf: (tweet, account) =>
          !tweet.inReplyToStatusId ||
          tweet.inReplyToUserId === account.xUserId ||
          tweet.authorId !== account.xUserId
            ? null
            : {
                xUserId: tweet.inReplyToUserId,
                handle: tweet.inReplyToHandle,
                name: tweet.inReplyToHandle ?? '',
              },
      }),

    /**
     * Contacts' profiles: the first bio is stored silently, a change is recorded. A daily run checks every contact
     * with a handle once per round, the longest unchecked first, so a run the budget stops goes on (at X's reset)
     * with those not checked yet. `contactIds` checks just those (a handle edit). A contact X shows nothing of
     * (gone, suspended, protected) is skipped and counts as checked. `onProgress` is called after each contact.
     */
    async syncBios(
      userId: string,
      options: {
        contactIds?: string[];
        onProgress?: (done: number, total: number) => Promise<void> | void;
      } = {},
    ): Promise<SyncOutcome> {
      const opened = await open(userId, 'bios');
      if ('sync' in opened) return opened;
      let due;
      // how far the round had got before this run: each contact this run checks is one more (a count, not a query per contact)
      let before = { checked: 0, total: 0 };
      if (options.contactIds) {
        due = (await contacts.withIds(userId, options.contactIds)).filter((c) => c.xHandle);
        before.total = due.length;
      } else {
        let round = (await xSyncState.get(userId))?.biosRoundStartedAt ?? null;
        due = round ? await contacts.dueForProfileCheck(userId, round) : [];
        if (!round || now().getTime() - round.getTime() >= roundMaxAgeMs || due.length === 0) {
          round = now();
          await xSyncState.startBiosRound(userId, round);
          due = await contacts.dueForProfileCheck(userId, round);
        }
        before = await contacts.profileCheckProgress(userId, round);
      }
      const progress = () => ({ checked: before.checked + done, total: before.total });
      let imported = 0;
      let avatars = 0;
      let done = 0;
      for (const contact of due) {
        const result = await opened.session.profileByHandle(contact.xHandle!);
        if (!result.ok) {
          if (
            result.kind === 'not_found' ||
            result.kind === 'suspended' ||
            result.kind === 'not_visible'
          ) {
            log.info(
              { userId, sync: 'bios', contactId: contact.id, errorClass: result.kind },
              'x profile unavailable for one contact',
            );
            await contacts.markProfileChecked(contact.id);
          } else {
            const { checked, total } = progress();
            const outcome = await fail(userId, 'bios', result, imported);
            return { ...outcome, contactsDone: checked, contactsTotal: total } as SyncOutcome;
          }
        } else {
          const profile = result.value;
          const update = await contacts.updateProfileFromX(contact.id, {
            xUserId: profile.userId,
            bio: profile.bio,
            avatarUrl: profile.avatarUrl,
            name: profile.name,
          });
          if (update?.bioChanged) {
            await interactions.recordBioChange(userId, {
              contactId: contact.id,
              contactName: update.contact.name,
              oldBio: update.oldBio ?? '',
              newBio: update.newBio,
              at: now(),
            });
            imported++;
          }
          if (
            update &&
            profile.avatarUrl &&
            (await keepAvatar(opened.session, userId, contact.id, profile.avatarUrl))
          )
            avatars++;
        }
        done++;
        await options.onProgress?.(progress().checked, before.total);
      }
      const { checked, total } = progress();
      if (due.length > 0) await sessions.succeeded(userId);
      log.info(
        {
          userId,
          sync: 'bios',
          checked: done,
          roundChecked: checked,
          contacts: total,
          changed: imported,
          avatars,
        },
        'x sync done',
      );
      return {
        sync: 'bios',
        ok: true,
        imported,
        avatars,
        contactsDone: checked,
        contactsTotal: total,
      };
    },
  };
}

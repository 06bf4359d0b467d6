/**
 * The cookie-based syncs: mentions, the user's own replies, and contacts' bios, turned into CRM data.
 * A failure is one structured log line, at most one notification per error class per day, zero results, and
 * cursors left where they were; an answer about the whole account (auth, rate limit, outage) also shows on
 * the connection. Nothing here throws for X's reasons.
 */
import type { Logger } from '../../lib/logger.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { InteractionsService } from '../interactions/interactions.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { XFailure } from '../x-client/classify-failure.ts';
import { tweetUrl } from '../x-client/x-read.ts';
import type { XPort, XResult, XSession, XTweet, XTweetBatch } from '../x-client/x-types.ts';
import type { XConnectionService } from '../x-connection/x-connection.service.ts';
import { createSyncSessions, failureSentence, type OpenedSession } from './x-sync.sessions.ts';

export type SyncName = 'mentions' | 'replies' | 'bios';

export const syncLabels: Record<SyncName, string> = { mentions: 'mention', replies: 'reply', bios: 'bio' };

export type SyncOutcome =
  | { sync: SyncName; ok: true; imported: number; unknown?: number; avatars?: number; contactsDone?: number; contactsTotal?: number }
  | { sync: SyncName; ok: false; skipped: 'not_connected' | 'rate_limited'; retryAt?: string }
  | { sync: SyncName; ok: false; errorClass: XFailure['kind']; imported: 0; message: string; retryAt?: string };

export interface XSyncDeps {
  xPort: XPort;
  xConnection: XConnectionService;
  contacts: ContactsService;
  interactions: InteractionsService;
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
  fetch(session: XSession, account: { handle: string; xUserId: string }, sinceId: string | null): Promise<XResult<XTweetBatch>>;
  /** Whom the tweet is an interaction with, or null to skip it. */
  peerOf(tweet: XTweet, account: { xUserId: string }): Peer | null;
}

const oldestFirst = (tweets: XTweet[]) => [...tweets].reverse();
const occurredAt = (tweet: XTweet, fallback: Date) => tweet.createdAt ?? fallback;

export function createXSyncService({ xPort, xConnection, contacts, interactions, notifications, logger, now }: XSyncDeps) {
  const log = logger.child({ provider: 'x', module: 'x-sync' });
  const sessions = createSyncSessions({ xPort, xConnection, notifications, logger, now });

  async function fail(userId: string, sync: SyncName, failure: XFailure): Promise<SyncOutcome> {
    await sessions.fail(userId, { sync, label: syncLabels[sync] }, failure);
    const retryAt = failure.kind === 'rate_limited' ? { retryAt: failure.retryAt.toISOString() } : {};
    return { sync, ok: false, errorClass: failure.kind, imported: 0, message: failureSentence(failure), ...retryAt };
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
  async function keepAvatar(session: XSession, userId: string, contactId: string, url: string): Promise<boolean> {
    if ((await contacts.avatarSource(contactId)) === url) return false;
    const image = await session.image(url);
    if (!image.ok) {
      const detail = image.kind === 'unavailable' ? image.detail : image.kind;
      log[image.kind === 'not_found' ? 'debug' : 'warn']({ userId, sync: 'bios', contactId, avatar: detail }, 'x avatar not downloaded');
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
    if (contact) return { known: true, inserted: (await interactions.record(userId, { contactId: contact.id, ...item })).inserted };
    if (!peer.xUserId || !peer.handle) return { known: false, inserted: false };
    return { known: false, inserted: (await interactions.recordUnknown(userId, { ...item, xUserId: peer.xUserId, xHandle: peer.handle, name: peer.name })).inserted };
  }

  /** Mentions and replies: fetch past the stored cursor, import oldest first, then advance the cursor. */
  async function syncTweets(userId: string, spec: TweetSync): Promise<SyncOutcome> {
    const opened = await open(userId, spec.sync);
    if ('sync' in opened) return opened;
    const state = await interactions.syncState(userId);
    const cursor = (spec.sync === 'mentions' ? state?.mentionsCursor : state?.repliesCursor) ?? null;
    const result = await spec.fetch(opened.session, opened, cursor);
    if (!result.ok) return fail(userId, spec.sync, result);
    let imported = 0;
    let unknown = 0;
    for (const tweet of oldestFirst(result.value.tweets)) {
      const peer = spec.peerOf(tweet, opened);
      if (!peer) continue;
      const r = await importTweet(userId, tweet, spec.kind, peer);
      if (r.inserted) r.known ? imported++ : unknown++;
    }
    // only after the rows are committed, so a crash in between re-imports (idempotently) rather than skips
    if (result.value.newestId) await interactions.advanceCursor(userId, spec.sync, result.value.newestId);
    log.info({ userId, sync: spec.sync, imported, unknown, complete: result.value.complete }, 'x sync done');
    return { sync: spec.sync, ok: true, imported, unknown };
  }

  return {
    syncMentions: (userId: string) =>
      syncTweets(userId, {
        sync: 'mentions',
        kind: 'mention_in',
        fetch: (session, account, sinceId) => session.mentions(account.handle, { sinceId }),
        // the user mentioning themselves is not an interaction with anyone
        peerOf: (tweet, account) => (tweet.authorId === account.xUserId ? null : { xUserId: tweet.authorId, handle: tweet.authorHandle, name: tweet.authorName }),
      }),

    syncReplies: (userId: string) =>
      syncTweets(userId, {
        sync: 'replies',
        kind: 'reply_out',
        fetch: (session, account, sinceId) => session.ownReplies(account.xUserId, { sinceId }),
        // a thread with oneself is not a reply to anyone
        peerOf: (tweet, account) =>
          !tweet.inReplyToStatusId || tweet.inReplyToUserId === account.xUserId
            ? null
            : { xUserId: tweet.inReplyToUserId, handle: tweet.inReplyToHandle, name: tweet.inReplyToHandle ?? '' },
      }),

    /**
     * Every contact with a handle: fetch the profile, store the first bio silently, record a change.
     * `onProgress` is called after each contact. One contact that is gone or suspended skips only that contact.
     */
    async syncBios(userId: string, options: { contactIds?: string[]; onProgress?: (done: number, total: number) => Promise<void> | void } = {}): Promise<SyncOutcome> {
      const opened = await open(userId, 'bios');
      if ('sync' in opened) return opened;
      const all = (await contacts.list(userId)).filter((c) => c.xHandle && (!options.contactIds || options.contactIds.includes(c.id)));
      let imported = 0;
      let avatars = 0;
      let done = 0;
      for (const contact of all) {
        const result = await opened.session.profileByHandle(contact.xHandle!);
        if (!result.ok) {
          if (result.kind === 'not_found' || result.kind === 'suspended') {
            log.info({ userId, sync: 'bios', contactId: contact.id, errorClass: result.kind }, 'x profile unavailable for one contact');
          } else {
            return fail(userId, 'bios', result);
          }
        } else {
          const profile = result.value;
          const update = await contacts.updateProfileFromX(contact.id, { xUserId: profile.userId, bio: profile.bio, avatarUrl: profile.avatarUrl, name: profile.name });
          if (update?.bioChanged) {
            await interactions.recordBioChange(userId, { contactId: contact.id, contactName: update.contact.name, oldBio: update.oldBio ?? '', newBio: update.newBio, at: now() });
            imported++;
          }
          if (update && profile.avatarUrl && (await keepAvatar(opened.session, userId, contact.id, profile.avatarUrl))) avatars++;
        }
        done++;
        await options.onProgress?.(done, all.length);
      }
      log.info({ userId, sync: 'bios', contacts: all.length, changed: imported, avatars }, 'x sync done');
      return { sync: 'bios', ok: true, imported, avatars, contactsDone: done, contactsTotal: all.length };
    },
  };
}

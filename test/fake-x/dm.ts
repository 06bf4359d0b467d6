import type { AccountStore } from './accounts.ts';
import { invalidRequest, v2Json, type ParameterError } from './problems.ts';
import type { FakeReply } from './replies.ts';
import type { FakeXDmEvent, FakeXMode } from './types.ts';
import { checkQuery, patternError } from './query.ts';
import { apiUser, parseUserFields } from './users.ts';

// X's DM lookups: /2/dm_events, /2/dm_conversations/with/:participant_id/dm_events and
// /2/dm_conversations/:id/dm_events. Events come newest first (largest id), only those of the last
// 30 days, in pages of max_results (1–100, default 100) with opaque next_token/previous_token that
// encode a position by event id, so a page boundary stays put when newer events arrive.
const retentionMs = 30 * 24 * 60 * 60 * 1000;
const eventTypes = ['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave'] as const;
// The fields X serves. Its document (2.167) lists fewer (no sender_id, participant_ids), but X and its
// own guides still use them (docs.x.com's DM quickstart asks dm_event.fields=created_at,sender_id,text).
const dmEventFields = [
  'attachments',
  'created_at',
  'dm_conversation_id',
  'entities',
  'event_type',
  'id',
  'participant_ids',
  'referenced_tweets',
  'sender_id',
  'text',
];
// What the document lists, for mode 'dm_fields_as_documented': an X that holds requests to it.
const documentedDmEventFields = [
  'attachments',
  'created_at',
  'dm_conversation_id',
  'entities',
  'event_type',
  'id',
  'text',
];
const expansionNames = [
  'attachments.media_keys',
  'participant_ids',
  'referenced_posts',
  'referenced_tweets.id',
  'sender_id',
];
const queryNames = [
  'dm_event.fields',
  'event_types',
  'expansions',
  'max_results',
  'media.fields',
  'pagination_token',
  'post.fields',
  'tweet.fields',
  'user.fields',
];

interface StoredEvent extends FakeXDmEvent {
  eventType: NonNullable<FakeXDmEvent['eventType']>;
  conversationId: string;
  createdAt: Date;
  order: bigint;
}

export interface DmStore {
  add(events: FakeXDmEvent[], now: number): void;
  /** Every event of the user's conversations, newest first. */
  visibleTo(userId: string): StoredEvent[];
  conversationOf(userId: string, peerId: string): string;
}

export function createDmStore(): DmStore {
  const byId = new Map<string, StoredEvent>();
  const members = new Map<string, Set<string>>(); // conversation id → every sender and recipient
  let sorted: StoredEvent[] | undefined;
  return {
    add(events, now) {
      for (const e of events) {
        if (!/^\d{1,19}$/.test(e.id))
          throw new Error(`fake X: DM event id ${e.id} is not a snowflake-like number`);
        const conversationId =
          e.conversationId ?? oneToOneConversationId(e.senderId, e.recipientId);
        byId.set(e.id, {
          ...e,
          eventType: e.eventType ?? 'MessageCreate',
          conversationId,
          createdAt: e.createdAt ?? new Date(now),
          order: BigInt(e.id),
        });
        const set = members.get(conversationId) ?? new Set<string>();
        set.add(e.senderId).add(e.recipientId);
        members.set(conversationId, set);
      }
      sorted = undefined;
    },
    visibleTo(userId) {
      sorted ??= [...byId.values()].sort((a, b) =>
        a.order > b.order ? -1 : a.order < b.order ? 1 : 0,
      );
      return sorted.filter((e) => members.get(e.conversationId)?.has(userId));
    },
    conversationOf: oneToOneConversationId,
  };
}

/** X names a one-to-one conversation `{lower id}-{higher id}`. */
function oneToOneConversationId(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
}

export type DmLookup =
  | { kind: 'all' }
  | { kind: 'with'; participantId: string }
  | { kind: 'conversation'; conversationId: string };

/** Which DM lookup a path is, and the budget it counts against (X counts per endpoint). */
export function dmLookupOf(path: string): { lookup: DmLookup; endpoint: string } | undefined {
  if (path === '/2/dm_events') return { lookup: { kind: 'all' }, endpoint: path };
  const withPeer = /^\/2\/dm_conversations\/with\/([^/]+)\/dm_events$/.exec(path);
  if (withPeer) {
    return {
      lookup: { kind: 'with', participantId: decodeURIComponent(withPeer[1]!) },
      endpoint: '/2/dm_conversations/with/:participant_id/dm_events',
    };
  }
  const conversation = /^\/2\/dm_conversations\/([^/]+)\/dm_events$/.exec(path);
  if (conversation) {
    return {
      lookup: { kind: 'conversation', conversationId: decodeURIComponent(conversation[1]!) },
      endpoint: '/2/dm_conversations/:id/dm_events',
    };
  }
  return undefined;
}

export function answerDmLookup(
  lookup: DmLookup,
  query: URLSearchParams,
  userId: string,
  data: { dms: DmStore; accounts: AccountStore; mode?: FakeXMode },
  now: number,
): FakeReply {
  const errors: ParameterError[] = [];
  if (lookup.kind === 'with' && !/^[0-9]{1,19}$/.test(lookup.participantId)) {
    errors.push(patternError('participant_id', lookup.participantId, '^[0-9]{1,19}$', 'path'));
  }
  if (
    lookup.kind === 'conversation' &&
    !/^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$/.test(lookup.conversationId)
  ) {
    errors.push(
      patternError('id', lookup.conversationId, '^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$', 'path'),
    );
  }
  const check = checkQuery(query, queryNames);
  errors.push(...check.errors);
  const maxResults = parseMaxResults(query, errors);
  const types = check.list('event_types', [...eventTypes], errors) ?? [...eventTypes];
  const knownFields =
    data.mode === 'dm_fields_as_documented' ? documentedDmEventFields : dmEventFields;
  const fields = new Set(check.list('dm_event.fields', knownFields, errors) ?? []);
  const expansions = new Set(check.list('expansions', expansionNames, errors) ?? []);
  const userFields = parseUserFields(check, errors);
  const position = parsePosition(query, errors);
  if (errors.length > 0) return invalidRequest(errors);

  const inScope = data.dms.visibleTo(userId).filter((e) => {
    if (e.createdAt.getTime() < now - retentionMs || !types.includes(e.eventType)) return false;
    if (lookup.kind === 'with')
      return e.conversationId === data.dms.conversationOf(userId, lookup.participantId);
    if (lookup.kind === 'conversation') return e.conversationId === lookup.conversationId;
    return true;
  });
  const page = pageOf(inScope, position, maxResults);
  if (page.events.length === 0) return v2Json(200, { meta: { result_count: 0 } });

  // An expansion brings its id field along, as everywhere in API v2 (docs.x.com "Expansions":
  // ?expansions=author_id alone puts author_id on the post).
  if (expansions.has('sender_id')) fields.add('sender_id');
  if (expansions.has('participant_ids')) fields.add('participant_ids');
  const body: Record<string, unknown> = { data: page.events.map((e) => eventJson(e, fields)) };
  const referenced = new Set<string>();
  for (const e of page.events) {
    if (expansions.has('sender_id')) referenced.add(e.senderId);
    if (expansions.has('participant_ids') && e.eventType !== 'MessageCreate')
      referenced.add(e.recipientId);
  }
  const users = [...referenced].flatMap((id) => {
    const account = data.accounts.byUserId(id);
    return account ? [apiUser(account, userFields)] : [];
  });
  if (users.length > 0) body.includes = { users };
  const meta: Record<string, unknown> = { result_count: page.events.length };
  if (page.hasOlder)
    meta.next_token = encodePosition({ direction: 'older', id: page.events.at(-1)!.id });
  if (position)
    meta.previous_token = encodePosition({ direction: 'newer', id: page.events[0]!.id });
  body.meta = meta;
  return v2Json(200, body);
}

function eventJson(e: StoredEvent, fields: Set<string>): Record<string, unknown> {
  // Always there, requested or not: id and event_type, and text on a message.
  const json: Record<string, unknown> = { id: e.id, event_type: e.eventType };
  if (e.eventType === 'MessageCreate') json.text = e.text ?? '';
  if (fields.has('sender_id') && !e.omitSenderId) json.sender_id = e.senderId;
  if (fields.has('dm_conversation_id')) json.dm_conversation_id = e.conversationId;
  if (fields.has('created_at')) json.created_at = e.createdAt.toISOString();
  // Since June 2025 X leaves participant_ids off MessageCreate; on a join or leave it names who.
  if (fields.has('participant_ids') && e.eventType !== 'MessageCreate')
    json.participant_ids = [e.recipientId];
  return json;
}

interface Position {
  direction: 'older' | 'newer';
  id: string;
}

function pageOf(events: StoredEvent[], position: Position | undefined, maxResults: number) {
  if (!position)
    return { events: events.slice(0, maxResults), hasOlder: events.length > maxResults };
  const anchor = BigInt(position.id);
  if (position.direction === 'older') {
    const older = events.filter((e) => e.order < anchor);
    return { events: older.slice(0, maxResults), hasOlder: older.length > maxResults };
  }
  const newer = events.filter((e) => e.order > anchor);
  const page = newer.slice(Math.max(0, newer.length - maxResults));
  return { events: page, hasOlder: events.some((e) => e.order < (page.at(-1)?.order ?? anchor)) };
}

// Tokens look like X's: base32hex (0-9, A-V), at least 16 characters.
const base32hex = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

function encodePosition({ direction, id }: Position): string {
  const bytes = Buffer.from(`${direction === 'older' ? 'o' : 'n'}${id.padStart(19, '0')}`);
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5)
    out += base32hex[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

function decodePosition(token: string): Position | undefined {
  let bits = '';
  for (const char of token) {
    const value = base32hex.indexOf(char);
    if (value < 0) return undefined;
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const match = /^([on])(\d{19})$/.exec(Buffer.from(bytes).toString('latin1'));
  if (!match) return undefined;
  return { direction: match[1] === 'o' ? 'older' : 'newer', id: BigInt(match[2]!).toString() };
}

function parsePosition(query: URLSearchParams, errors: ParameterError[]): Position | undefined {
  const token = query.get('pagination_token');
  if (token === null) return undefined;
  const position = decodePosition(token);
  if (!position) {
    errors.push({
      parameters: { pagination_token: [token] },
      message: `The \`pagination_token\` query parameter value [${token}] is not a valid pagination token`,
    });
  }
  return position;
}

function parseMaxResults(query: URLSearchParams, errors: ParameterError[]): number {
  const raw = query.get('max_results');
  if (raw === null) return 100;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < 1 || value > 100) {
    errors.push({
      parameters: { max_results: [raw] },
      message: `The \`max_results\` query parameter value [${raw}] is not between 1 and 100`,
    });
  }
  return value;
}

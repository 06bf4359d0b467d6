/**
 * The CRM pages: /contacts, /contacts/:id and /notifications. Unlike settings (which follows a live connection),
 * these render their data on the server, through `html`, which escapes every interpolation; their scripts only
 * send changes to /api/v1 and reload.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import {
  eventLabel,
  type Contact,
  type Interaction,
  type InteractionKind,
  type Notification,
  type UnknownAuthor,
} from '@perch/shared';
import { layout, topbar, type AssetUrl } from './web.pages.ts';
import { compareXIds } from '../interactions/interactions.service.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const kindWords: Record<InteractionKind, { icon: string; label: string }> = {
  mention_in: { icon: '↘', label: 'Mentioned you' },
  reply_out: { icon: '↗', label: 'You replied' },
  quote_out: { icon: '❝', label: 'You quoted' },
  dm: { icon: '✉', label: 'Direct message' },
  bio_change: { icon: '✎', label: 'Changed their bio' },
  event: { icon: '★', label: 'Event' },
};

/** Server-side fallback text; client/time.ts (localiseTimes) rewrites every <time> in the reader's own locale and zone. */
const time = (iso: string) =>
  html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;

/** The kinds that are posts on X (so have a link and can be replied to). */
const isPost = (item: Interaction) =>
  item.kind === 'mention_in' || item.kind === 'reply_out' || item.kind === 'quote_out';

/** Only links to X itself are shown; anything else in `data.url` is ignored. */
function xUrl(item: Interaction): string | null {
  const url = item.data?.url;
  if (typeof url === 'string' && /^https:\/\/(x|twitter)\.com\//.test(url)) return url;
  if (isPost(item) && /^\d+$/.test(item.xId)) return `https://x.com/i/status/${item.xId}`;
  return null;
}

function avatar(
  contact: Pick<Contact, 'name' | 'avatarPath'>,
  size: 'small' | 'large' = 'small',
): Html {
  if (contact.avatarPath)
    return html`<img class="avatar avatar-${size}" src="${contact.avatarPath}" alt="">`;
  return html`<span class="avatar avatar-${size}" aria-hidden="true">${[...contact.name.trim()][0]?.toUpperCase() ?? '?'}</span>`;
}

/** What every CRM page needs: who is signed in (their email and unread count) and the lookup of hashed asset names. */
export interface PageContext {
  email: string;
  unreadCount: number;
  asset: AssetUrl;
}

/** A link to `path` with these query parameters, the empty ones left out. */
function pageHref(path: string, params: Record<string, string | null | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

/**
 * Links between pages of a list, plain links so they work without scripts: `next` (the older or further rows) while
 * there are more, `first` back to the start once the reader has left it.
 */
function pager(
  label: string,
  links: { first?: string | null; next?: string | null; firstText: string; nextText: string },
): Html | string {
  if (!links.first && !links.next) return '';
  return html`<nav class="pager" aria-label="${label}">${links.first ? html`<a href="${links.first}" rel="first">${links.firstText}</a>` : ''}${links.next ? html`<a href="${links.next}" rel="next">${links.nextText}</a>` : ''}</nav>`;
}

function page(
  user: PageContext,
  current: 'contacts' | 'notifications',
  title: string,
  script: string,
  body: Html,
): Html {
  return layout(
    user.asset,
    title,
    script,
    html`${topbar({ email: user.email, current, unreadCount: user.unreadCount })}
<main class="page">
${body}
</main>`,
  );
}

export interface ContactsPageData {
  contacts: { contacts: Contact[]; nextCursor: string | null };
  authors: { authors: UnknownAuthor[]; nextCursor: string | null };
  /** The search, '' for none; kept by every link between pages. */
  q?: string;
  /** Where this page of contacts and of unknown authors began (absent: the first page). */
  cursor?: string;
  authorsCursor?: string;
}

export function contactsPage(user: PageContext, data: ContactsPageData): Html {
  const { q = '', cursor, authorsCursor } = data;
  const { contacts } = data.contacts;
  const { authors } = data.authors;
  const contactsPager = pager('Pages of contacts', {
    first: cursor ? pageHref('/contacts', { q, authorsCursor }) : null,
    next: data.contacts.nextCursor
      ? pageHref('/contacts', { q, cursor: data.contacts.nextCursor, authorsCursor })
      : null,
    firstText: 'First',
    nextText: 'Next',
  });
  const authorsPager = pager('Pages of unknown authors', {
    first: authorsCursor ? `${pageHref('/contacts', { q, cursor })}#unknown-authors` : null,
    next: data.authors.nextCursor
      ? `${pageHref('/contacts', { q, cursor, authorsCursor: data.authors.nextCursor })}#unknown-authors`
      : null,
    firstText: 'Latest',
    nextText: 'Older',
  });
  return page(
    user,
    'contacts',
    'Contacts',
    'contacts.js',
    html`<h1>Contacts</h1>
<p id="page-message" class="message" role="status" aria-live="polite" hidden></p>
<section class="card" aria-labelledby="add-heading">
  <h2 id="add-heading">Add contact</h2>
  <form id="add-contact-form">
    <label for="contact-name">Name</label>
    <input id="contact-name" name="name" maxlength="200" autocomplete="off">
    <label for="contact-handle">X handle</label>
    <input id="contact-handle" name="xHandle" placeholder="@handle" autocomplete="off" aria-describedby="handle-hint">
    <p id="handle-hint" class="hint">Perch fetches their bio and avatar from X and follows their bio for changes.</p>
    <label for="contact-notes">Notes</label>
    <textarea id="contact-notes" name="notes" rows="3"></textarea>
    <button type="submit" class="primary">Add contact</button>
    <p id="form-error" class="form-error" role="alert" hidden></p>
  </form>
</section>
<section class="card" aria-labelledby="contacts-heading">
  <h2 id="contacts-heading">Your contacts</h2>
  <form id="contact-search" class="search" method="get" action="/contacts" role="search">
    <label for="contact-q">Search by name or handle</label>
    <input id="contact-q" name="q" type="search" maxlength="200" value="${q}" autocomplete="off">
    <button type="submit">Search</button>${q ? html` <a href="/contacts">Show all</a>` : ''}
  </form>
  ${
    contacts.length === 0
      ? q
        ? html`<p class="empty">No contact’s name or handle contains “${q}”.</p>`
        : html`<p class="empty">No contacts yet. Add one above, or from the people who mentioned you.</p>`
      : html`<ul id="contact-list" class="contact-list">${contacts.map(
          (c) =>
            html`<li data-contact-id="${c.id}"><a class="contact-link" href="/contacts/${c.id}">${avatar(c)}<span class="contact-text"><span class="contact-name">${c.name}</span>${c.xHandle ? html` <span class="handle">@${c.xHandle}</span>` : ''}${c.bio ? html`<span class="contact-bio">${c.bio}</span>` : ''}</span></a></li>`,
        )}</ul>`
  }
  ${contactsPager}
</section>
<section id="unknown-authors" class="card" aria-labelledby="unknown-heading">
  <h2 id="unknown-heading">Unknown authors</h2>
  <p class="lede">People who mentioned, replied to or messaged you on X and are not contacts yet. Adding one moves all of it onto their timeline.</p>
  ${
    authors.length === 0
      ? html`<p class="empty">Nobody new yet.</p>`
      : html`<ul class="author-list">${authors.map(
          (a) => html`<li data-x-user-id="${a.xUserId}">
      <div class="author-text"><span class="contact-name">${a.name}</span>${a.xHandle ? html` <span class="handle">@${a.xHandle}</span>` : ''}
        <span class="meta">${a.itemCount} ${a.itemCount === 1 ? 'mention or message' : 'mentions and messages'} · last ${time(a.lastOccurredAt)}</span>
        ${a.lastText ? html`<span class="quote">${a.lastText}</span>` : ''}</div>
      <button type="button" class="add-author small" data-x-user-id="${a.xUserId}" aria-label="Add ${a.name} as contact">Add as contact</button>
    </li>`,
        )}</ul>`
  }
  ${authorsPager}
</section>`,
  );
}

/** Mentions and replies are posts on X, so each can be answered from Compose (a plain link: no script needed). */
function replyLink(item: Interaction): Html | string {
  if (!isPost(item) || !/^\d+$/.test(item.xId)) return '';
  return html`<p class="item-actions"><a class="button small reply" href="${pageHref('/compose', { replyTo: item.xId })}">Reply</a></p>`;
}

function timelineItem(item: Interaction): Html {
  const words = kindWords[item.kind];
  const url = xUrl(item);
  let detail: Html | string = item.text ? html`<p class="item-text">${item.text}</p>` : '';
  if (item.kind === 'bio_change') {
    const oldBio = String(item.data?.oldBio ?? '');
    const newBio = String(item.data?.newBio ?? item.text ?? '');
    detail = html`<p class="bio-change"><del>${oldBio || '(empty)'}</del> <span aria-label="changed to">→</span> <ins>${newBio || '(empty)'}</ins></p>`;
  }
  let label = words.label;
  if (item.kind === 'event')
    label = eventLabel(
      String(item.data?.eventClass ?? ''),
      Number(item.data?.confidence ?? Number.NaN),
    );
  return html`<li class="timeline-item" data-kind="${item.kind}">
  <span class="kind-icon" aria-hidden="true">${words.icon}</span>
  <div class="item-body">
    <p class="item-head"><span class="kind-label">${label}</span> · ${time(item.occurredAt)}${url ? html` · <a href="${url}" target="_blank" rel="noopener noreferrer">View on X</a>` : ''}</p>
    ${detail}${replyLink(item)}
  </div>
</li>`;
}

/** A contact's DMs as threads: one per conversation, the latest conversation first, each oldest message first. */
function dmThreads(contact: Contact, dms: Interaction[]): Html {
  const threads = new Map<string, Interaction[]>();
  for (const dm of dms) {
    const id = String(dm.data?.dmConversationId ?? '');
    threads.set(id, [...(threads.get(id) ?? []), dm]); // the timeline comes newest first: so do the threads
  }
  // X dates DMs to the second, so messages of one second are put in order by X's ids, which grow with time.
  const oldestFirst = (a: Interaction, b: Interaction) =>
    a.occurredAt.localeCompare(b.occurredAt) || compareXIds(a.xId, b.xId);
  return html`${[...threads.values()].map(
    (messages) =>
      html`<ol class="dm-thread" aria-label="Conversation with ${contact.name}">${[...messages]
        .sort(oldestFirst)
        .map(
          (m) =>
            html`<li class="dm" data-direction="${m.direction}"><p class="dm-text">${m.text ?? ''}</p><p class="meta">${m.direction === 'outbound' ? 'You' : contact.name} · ${time(m.occurredAt)}</p></li>`,
        )}</ol>`,
  )}`;
}

/**
 * `timeline` is one page of it, newest first, DMs included (they are shown apart, as threads); `nextCursor` leads to
 * the older page, `cursor` says where this one began.
 */
export function contactPage(
  user: PageContext,
  {
    contact,
    timeline: all,
    nextCursor = null,
    cursor,
  }: { contact: Contact; timeline: Interaction[]; nextCursor?: string | null; cursor?: string },
): Html {
  const timelinePager = pager('Pages of the timeline', {
    first: cursor ? `/contacts/${contact.id}` : null,
    next: nextCursor ? pageHref(`/contacts/${contact.id}`, { cursor: nextCursor }) : null,
    firstText: 'Newest',
    nextText: 'Older',
  });
  const dms = all.filter((i) => i.kind === 'dm');
  const timeline = all.filter((i) => i.kind !== 'dm');
  return page(
    user,
    'contacts',
    contact.name,
    'contact.js',
    html`<p class="back"><a href="/contacts">← Contacts</a></p>
<section class="card contact-head" aria-labelledby="contact-heading">
  ${avatar(contact, 'large')}
  <div>
    <h1 id="contact-heading">${contact.name}</h1>
    ${contact.xHandle ? html`<p class="handle"><a href="https://x.com/${contact.xHandle}" target="_blank" rel="noopener noreferrer">@${contact.xHandle}</a></p>` : ''}
    ${contact.bio ? html`<p id="contact-bio" class="bio">${contact.bio}</p>` : ''}
    <p class="meta">${contact.bioCheckedAt ? html`Profile checked ${time(contact.bioCheckedAt)}` : contact.xHandle ? 'Not checked on X yet.' : 'No X handle.'}</p>
  </div>
</section>
<p id="page-message" class="message" role="status" aria-live="polite" hidden></p>
<section id="recent-tweets" class="card" aria-labelledby="recent-heading" aria-busy="true">
  <h2 id="recent-heading">Recent tweets</h2>
  <p id="recent-status" class="message" role="status" aria-live="polite">${contact.xHandle ? 'Loading their recent tweets…' : 'Add an X handle to see their recent tweets.'}</p>
  <ol id="recent-tweet-list" class="timeline" hidden></ol>
</section>
<section class="card" aria-labelledby="details-heading">
  <h2 id="details-heading">Details</h2>
  <form id="contact-form" data-contact-id="${contact.id}">
    <label for="contact-name">Name</label>
    <input id="contact-name" name="name" maxlength="200" required value="${contact.name}">
    <label for="contact-handle">X handle</label>
    <input id="contact-handle" name="xHandle" placeholder="@handle" value="${contact.xHandle ?? ''}" aria-describedby="handle-hint">
    <p id="handle-hint" class="hint">Changing the handle forgets the old account's bio and avatar and fetches the new one's.</p>
    <label for="contact-notes">Notes</label>
    <textarea id="contact-notes" name="notes" rows="5">${contact.notes}</textarea>
    <div class="form-actions">
      <button type="submit" class="primary">Save</button>
      <button id="delete-contact" type="button" class="danger">Delete contact</button>
    </div>
    <p id="form-error" class="form-error" role="alert" hidden></p>
  </form>
</section>
<section class="card" aria-labelledby="dms-heading">
  <div class="page-head">
    <h2 id="dms-heading">Direct messages</h2>
    <button id="sync-contact-dms" type="button" class="small">Sync DMs with X</button>
  </div>
  <p id="dm-message" class="message" role="status" aria-live="polite" hidden></p>
  ${
    dms.length === 0
      ? html`<p class="empty">No direct messages yet. Perch reads them once you connect X direct messages in Settings.</p>`
      : html`<div id="dm-threads">${dmThreads(contact, dms)}</div>`
  }
</section>
<section class="card" aria-labelledby="timeline-heading">
  <h2 id="timeline-heading">Timeline</h2>
  ${
    timeline.length === 0
      ? html`<p class="empty">Nothing yet. Mentions, your replies, bio changes and events appear here as Perch syncs with X.</p>`
      : html`<ol id="timeline" class="timeline">${timeline.map(timelineItem)}</ol>`
  }
  ${timelinePager}
</section>`,
  );
}

export function notificationsPage(
  user: PageContext,
  {
    notifications,
    nextCursor = null,
    cursor,
  }: { notifications: Notification[]; nextCursor?: string | null; cursor?: string },
): Html {
  const notificationsPager = pager('Pages of notifications', {
    first: cursor ? '/notifications' : null,
    next: nextCursor ? pageHref('/notifications', { cursor: nextCursor }) : null,
    firstText: 'Newest',
    nextText: 'Older',
  });
  return page(
    user,
    'notifications',
    'Notifications',
    'notifications.js',
    html`<div class="page-head">
  <h1>Notifications</h1>
  <button id="mark-all-read" type="button"${user.unreadCount === 0 ? raw(' disabled') : ''}>Mark all read</button>
</div>
<p id="page-message" class="message" role="status" aria-live="polite" hidden></p>
<section class="card" aria-label="Notifications">
  ${
    notifications.length === 0
      ? html`<p class="empty">No notifications. Perch tells you here when a contact changes their bio or a sync with X stops working.</p>`
      : html`<ul id="notification-list" class="notification-list">${notifications.map(
          (
            n,
          ) => html`<li class="notification" data-id="${n.id}" data-read="${n.readAt ? 'true' : 'false'}">
    <div class="notification-text">
      <p class="notification-title">${n.readAt ? '' : html`<span class="visually-hidden">Unread: </span>`}${n.title}</p>
      ${n.body ? html`<p class="notification-body">${n.body}</p>` : ''}
      <p class="meta">${time(n.createdAt)}${n.contactId ? html` · <a href="/contacts/${n.contactId}">Open contact</a>` : ''}</p>
    </div>
    ${n.readAt ? '' : html`<button type="button" class="mark-read small" data-id="${n.id}">Mark read</button>`}
  </li>`,
        )}</ul>`
  }
  ${notificationsPager}
</section>`,
  );
}

/**
 * A contact's recent tweets and detected events on /contacts/:id. No side effects on import: the page and its
 * tests pass in the section, how to load the API's answer, and how to wait between polls.
 */
import { eventLabel, type DetectedEvent, type RecentTweet, type RecentTweets } from '@perch/shared';
import { formatRelative, timeElement } from './time.ts';

// Seconds between polls while Perch fetches: quick at first, then calmer; about five minutes in all.
const pollDelays = [1, 1, 2, 2, 3, 5];
const maxPolls = 60;

/** Only links to X itself are rendered. */
const isXUrl = (url: unknown): url is string =>
  typeof url === 'string' && /^https:\/\/(x|twitter)\.com\//.test(url);

function statusSentence(answer: RecentTweets, now: number): string {
  switch (answer.status) {
    case 'no_handle':
      return 'Add an X handle to see their recent tweets.';
    case 'failed':
      return answer.message ?? 'Perch could not fetch their recent tweets.';
    case 'fetching':
      return answer.tweets.length > 0
        ? 'Fetching newer tweets from X…'
        : 'Fetching their recent tweets from X…';
    default: {
      if (answer.tweets.length === 0) return 'No recent tweets.';
      const events = answer.events.length;
      const when = answer.fetchedAt ? ` ${formatRelative(answer.fetchedAt, now)}` : '';
      const detected =
        events > 0
          ? ` ${events === 1 ? 'One event' : `${events} events`} detected; they are on the timeline too.`
          : '';
      return `Fetched from X${when}.${detected}`;
    }
  }
}

/** An element with attributes and children (strings become text, never markup). */
function el(
  doc: Document,
  tag: string,
  attributes: Record<string, string>,
  ...children: (string | Node)[]
): HTMLElement {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function tweetItem(doc: Document, tweet: RecentTweet, event: DetectedEvent | undefined) {
  const label = event
    ? eventLabel(event.eventClass, event.confidence)
    : tweet.isRetweet
      ? 'Retweet'
      : 'Tweet';
  const head = el(
    doc,
    'p',
    { class: 'item-head' },
    el(doc, 'span', { class: 'kind-label' }, label),
  );
  if (tweet.createdAt) head.append(' · ', timeElement(tweet.createdAt, 'date', doc));
  if (isXUrl(tweet.url))
    head.append(
      ' · ',
      el(doc, 'a', { href: tweet.url, target: '_blank', rel: 'noopener noreferrer' }, 'View on X'),
    );
  return el(
    doc,
    'li',
    { class: 'timeline-item', 'data-kind': event ? 'event' : 'tweet', 'data-tweet-id': tweet.id },
    el(doc, 'span', { class: 'kind-icon', 'aria-hidden': 'true' }, event ? '★' : '✦'),
    el(doc, 'div', { class: 'item-body' }, head, el(doc, 'p', { class: 'item-text' }, tweet.text)),
  );
}

/** Shows one answer of GET /api/v1/contacts/:id/recent-tweets in the section. */
export function renderRecentTweets(section: Element, answer: RecentTweets, now = Date.now()): void {
  const doc = section.ownerDocument;
  const status = section.querySelector<HTMLElement>('#recent-status')!;
  const list = section.querySelector<HTMLElement>('#recent-tweet-list')!;
  status.textContent = statusSentence(answer, now);
  status.dataset.tone = answer.status === 'failed' ? 'error' : 'info';
  const events = new Map(answer.events.map((e) => [e.tweetId, e]));
  list.replaceChildren(
    ...answer.tweets.map((tweet) => tweetItem(doc, tweet, events.get(tweet.id))),
  );
  list.hidden = answer.tweets.length === 0;
  if (answer.status === 'fetching') section.setAttribute('aria-busy', 'true');
  else section.removeAttribute('aria-busy');
}

const waitSeconds = (seconds: number) =>
  new Promise<void>((done) => setTimeout(done, seconds * 1000));

/**
 * Loads the answer, shows it, and polls while Perch fetches. `describeError` turns a failed call into a sentence.
 * Resolves with the last answer (null when the call failed).
 */
export async function followRecentTweets({
  section,
  load,
  describeError,
  wait = waitSeconds,
}: {
  section: Element;
  load: () => Promise<RecentTweets>;
  describeError: (error: unknown) => string;
  wait?: (seconds: number) => Promise<void>;
}): Promise<RecentTweets | null> {
  const status = section.querySelector<HTMLElement>('#recent-status')!;
  for (let poll = 0; ; poll++) {
    let answer: RecentTweets;
    try {
      answer = await load();
    } catch (error) {
      status.textContent = `Perch could not load their recent tweets. ${describeError(error)}`;
      status.dataset.tone = 'error';
      section.removeAttribute('aria-busy');
      return null;
    }
    renderRecentTweets(section, answer);
    if (answer.status !== 'fetching') return answer;
    if (poll + 1 >= maxPolls) {
      status.textContent = 'Perch is still fetching from X; reload the page to see the tweets.';
      section.removeAttribute('aria-busy');
      return answer;
    }
    await wait(pollDelays[Math.min(poll, pollDelays.length - 1)]!);
  }
}

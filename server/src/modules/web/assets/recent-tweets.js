/**
 * A contact's recent tweets and detected events on /contacts/:id, and the words for an event, which the server's
 * timeline uses too (web.crm.ts imports this file). No side effects on import: the page and its tests pass in the
 * section, how to load the API's answer, and how to wait between polls.
 */
import { formatDate, formatRelative } from './ui.js';

const eventNames = {
  job_change: 'Job change',
  fundraising: 'Fundraising',
  product_launch: 'Product launch',
  promotion: 'Promotion',
  milestone: 'Milestone',
  conference: 'Conference',
};

/** "Product launch · 92%"; an unknown class is just "Event". */
export function eventLabel(eventClass, confidence) {
  const name = eventNames[eventClass] ?? 'Event';
  return Number.isFinite(confidence) ? `${name} · ${Math.round(confidence * 100)}%` : name;
}

// Seconds between polls while Perch fetches: quick at first, then calmer; about five minutes in all.
const pollDelays = [1, 1, 2, 2, 3, 5];
const maxPolls = 60;

/** Only links to X itself are rendered. */
const isXUrl = (url) => typeof url === 'string' && /^https:\/\/(x|twitter)\.com\//.test(url);

function statusSentence(answer, now) {
  switch (answer.status) {
    case 'no_handle':
      return 'Add an X handle to see their recent tweets.';
    case 'failed':
      return answer.message ?? 'Perch could not fetch their recent tweets.';
    case 'fetching':
      return answer.tweets.length > 0 ? 'Fetching newer tweets from X…' : 'Fetching their recent tweets from X…';
    default:
      if (answer.tweets.length === 0) return 'No recent tweets.';
      return `Fetched from X ${formatRelative(answer.fetchedAt, now)}.${answer.events.length > 0 ? ` ${answer.events.length === 1 ? 'One event' : `${answer.events.length} events`} detected; they are on the timeline too.` : ''}`;
  }
}

/** An element with attributes and children (strings become text, never markup). */
function el(doc, tag, attributes, ...children) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function tweetItem(doc, tweet, event) {
  const label = event ? eventLabel(event.eventClass, event.confidence) : tweet.isRetweet ? 'Retweet' : 'Tweet';
  const head = el(doc, 'p', { class: 'item-head' }, el(doc, 'span', { class: 'kind-label' }, label));
  if (tweet.createdAt) head.append(' · ', el(doc, 'time', { datetime: tweet.createdAt }, formatDate(tweet.createdAt)));
  if (isXUrl(tweet.url)) head.append(' · ', el(doc, 'a', { href: tweet.url, target: '_blank', rel: 'noopener noreferrer' }, 'View on X'));
  return el(
    doc,
    'li',
    { class: 'timeline-item', 'data-kind': event ? 'event' : 'tweet', 'data-tweet-id': tweet.id },
    el(doc, 'span', { class: 'kind-icon', 'aria-hidden': 'true' }, event ? '★' : '✦'),
    el(doc, 'div', { class: 'item-body' }, head, el(doc, 'p', { class: 'item-text' }, tweet.text)),
  );
}

/** Shows one answer of GET /api/v1/contacts/:id/recent-tweets in the section. */
export function renderRecentTweets(section, answer, now = Date.now()) {
  const doc = section.ownerDocument;
  const status = section.querySelector('#recent-status');
  const list = section.querySelector('#recent-tweet-list');
  status.textContent = statusSentence(answer, now);
  status.dataset.tone = answer.status === 'failed' ? 'error' : 'info';
  const events = new Map(answer.events.map((e) => [e.tweetId, e]));
  list.replaceChildren(...answer.tweets.map((tweet) => tweetItem(doc, tweet, events.get(tweet.id))));
  list.hidden = answer.tweets.length === 0;
  if (answer.status === 'fetching') section.setAttribute('aria-busy', 'true');
  else section.removeAttribute('aria-busy');
}

/**
 * Loads the answer, shows it, and polls while Perch fetches. `describeError` turns a failed call into a sentence.
 * Resolves with the last answer (null when the call failed).
 */
export async function followRecentTweets({ section, load, describeError, wait = (seconds) => new Promise((done) => setTimeout(done, seconds * 1000)) }) {
  for (let poll = 0; ; poll++) {
    let answer;
    try {
      answer = await load();
    } catch (error) {
      const status = section.querySelector('#recent-status');
      status.textContent = `Perch could not load their recent tweets. ${describeError(error)}`;
      status.dataset.tone = 'error';
      section.removeAttribute('aria-busy');
      return null;
    }
    renderRecentTweets(section, answer);
    if (answer.status !== 'fetching') return answer;
    if (poll + 1 >= maxPolls) {
      section.querySelector('#recent-status').textContent = 'Perch is still fetching from X; reload the page to see the tweets.';
      section.removeAttribute('aria-busy');
      return answer;
    }
    await wait(pollDelays[Math.min(poll, pollDelays.length - 1)]);
  }
}

/**
 * Fills the connection words the server computed with describeConnection() (web.words.ts) for a live status.
 * Runs in the browser (served as /assets/connection-words.js) and in the server's tests, so it has no imports.
 */

/** Stand-ins the server passes to describeConnection(); they are replaced here with the live values. */
export const markers = { handle: '\uE000', detail: '\uE001', retryAt: '\uE002' };

/** How describeConnection() writes retryAt; web.words.test.ts checks the two agree. */
export function formatRetryAt(iso) {
  return new Date(iso).toISOString().slice(11, 16);
}

const unknown = {
  title: 'Status unknown',
  sentence: 'Perch reported a state this page does not know. Reload the page.',
  action: 'none',
  actionLabel: null,
  needsUser: false,
  tone: 'idle',
};

/** describeConnection(status), rebuilt from the server's table of words. */
export function describeStatus(words, status) {
  const entry = words[status.state];
  if (!entry) return unknown;
  const key = entry.uses.map((field) => (status[field] ? '1' : '0')).join('');
  const description = entry.variants[key];
  const values = {
    [markers.handle]: status.handle ?? '',
    [markers.detail]: status.detail ?? '',
    [markers.retryAt]: status.retryAt ? formatRetryAt(status.retryAt) : '',
  };
  const fill = (text) => text.replace(/[\uE000-\uE002]/g, (m) => values[m]);
  return { ...description, title: fill(description.title), sentence: fill(description.sentence) };
}

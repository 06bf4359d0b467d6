/**
 * The connection words for the settings page. The browser cannot import @perch/shared (no bundler), so the server
 * runs describeConnection() for every state with stand-in values and the page fills them in (assets/connection-words.js).
 */
import { connectionStates, describeConnection, type ConnectionState } from '@perch/shared';
import { formatRetryAt, markers, type ConnectionWords, type WordField } from './assets/connection-words.js';

const fields: WordField[] = ['handle', 'detail', 'retryAt'];
// Any fixed time works; its formatted form ('21:37') is swapped for the retryAt marker.
const sampleRetryAt = '2000-01-01T21:37:00.000Z';
const samples: Record<WordField, string> = { handle: markers.handle, detail: markers.detail, retryAt: sampleRetryAt };

export function buildConnectionWords(): ConnectionWords {
  return Object.fromEntries(connectionStates.map((state) => [state, wordsFor(state)])) as ConnectionWords;
}

function wordsFor(state: ConnectionState): ConnectionWords[ConnectionState] {
  const describe = (present: WordField[]) => {
    const status = { state, handle: null, detail: null, retryAt: null } as Record<string, string | null>;
    for (const field of present) status[field] = samples[field];
    const d = describeConnection(status as Parameters<typeof describeConnection>[0]);
    return { ...d, title: mark(d.title), sentence: mark(d.sentence) };
  };
  const bare = JSON.stringify(describe([]));
  // Only the fields that change this state's words get variants: 'connected' uses handle, 'x_unavailable' detail…
  const uses = fields.filter((field) => JSON.stringify(describe([field])) !== bare);
  const variants: ConnectionWords[ConnectionState]['variants'] = {};
  for (let mask = 0; mask < 1 << uses.length; mask++) {
    const key = uses.map((_, i) => (mask & (1 << i) ? '1' : '0')).join('');
    variants[key] = describe(uses.filter((_, i) => mask & (1 << i)));
  }
  return { uses, variants };
}

function mark(text: string): string {
  return text.split(formatRetryAt(sampleRetryAt)).join(markers.retryAt);
}

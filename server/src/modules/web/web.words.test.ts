import { describe, expect, it } from 'vitest';
import { connectionStates, describeConnection } from '@perch/shared';
import { describeStatus } from './assets/connection-words.js';
import { scriptJson } from './web.pages.ts';
import { buildConnectionWords } from './web.words.ts';

describe('connection words', () => {
  // The page gets the table through JSON in a script tag; describeStatus() must then say exactly what
  // describeConnection() says, for every state and every mix of present and missing values.
  const words = JSON.parse(scriptJson(buildConnectionWords()));

  it('rebuild describeConnection() in the browser for every state and value', () => {
    for (const state of connectionStates) {
      for (const handle of [null, 'jack', '$& <b>\uE001']) {
        for (const detail of [null, 'X answered 503']) {
          for (const retryAt of [null, '2026-01-01T10:15:00.000Z', '2026-03-01T00:05:59.999Z']) {
            const status = { state, handle, detail, retryAt };
            expect(describeStatus(words, status), JSON.stringify(status)).toEqual(describeConnection(status));
          }
        }
      }
    }
  });

  it('stays small: only the fields a state uses get variants', () => {
    expect(words.connected.uses).toEqual(['handle']);
    expect(words.not_connected.uses).toEqual([]);
    expect(JSON.stringify(words).length).toBeLessThan(6000);
  });
});

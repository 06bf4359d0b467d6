/** What "Sync now" says it waits for while a run is in the way (issue 9, item 9). */
import { describe, expect, it } from 'vitest';
import { describeWait, type SyncProgress } from './x-sync.runner.ts';

const running = (startedAt: string, heartbeatAt: string): SyncProgress => ({
  status: 'running',
  startedAt,
  heartbeatAt,
  finishedAt: null,
  contactsDone: 6,
  contactsTotal: 23,
  outcomes: [],
  error: null,
});

describe('describeWait', () => {
  it('a live run: when it started and how long ago it last made progress', () => {
    expect(
      describeWait(
        running('2026-12-04T10:42:00Z', '2026-12-04T10:43:40Z'),
        new Date('2026-12-04T10:44:00Z'),
      ),
    ).toBe('Waiting for the sync started at 10:42 UTC to finish (last progress 20 s ago).');
  });
  it('a silent run: by when another worker takes it over', () => {
    expect(
      describeWait(
        running('2026-12-04T10:42:00Z', '2026-12-04T10:43:10Z'),
        new Date('2026-12-04T10:43:50Z'),
      ),
    ).toBe(
      'The sync started at 10:42 UTC stopped answering 40 s ago; a crashed sync will be taken over by 10:44 UTC.',
    );
  });
  it('a queued run, and nothing in the way', () => {
    expect(
      describeWait(
        { ...running('', ''), status: 'queued', startedAt: null, queuedAt: '2026-12-04T10:41:00Z' },
        new Date('2026-12-04T10:41:05Z'),
      ),
    ).toBe('Waiting for the sync asked for at 10:41 UTC to start.');
    expect(describeWait({ ...running('', ''), status: 'finished' }, new Date())).toBeNull();
    expect(describeWait(null, new Date())).toBeNull();
  });
});

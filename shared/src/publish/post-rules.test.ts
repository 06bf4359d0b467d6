import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import type { MediaKind, PostDraftInput } from '../api/publish.ts';
import {
  maxWeightedLengthFor,
  mediaFileProblem,
  mediaMaxBytes,
  pollOptionLength,
  postIdFrom,
  postIssues,
  weightedLength,
  type PostRulesContext,
} from './post-rules.ts';

describe('weightedLength', () => {
  it.each([
    ['🧑‍🤝‍🧑', 8],
    ['🐻‍❄️', 5],
    ['❤️‍🔥', 5],
    ['😮‍💨', 5],
    ['🫱🏻', 4],
    ['🫱🏻‍🫲🏿', 9],
    ['🐦‍🔥', 5],
  ])('counts %s as 2 where twitter-text counts %i', (emoji, twitterTextCount) => {
    expect(twitterText.parseTweet(emoji).weightedLength).toBe(twitterTextCount);
    expect(weightedLength(emoji).weightedLength).toBe(2);
  });

  it.each(['👍🏽', '🇺🇸', '1️⃣', '#⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '👨‍👩‍👧‍👦', '🏳️‍🌈', '©️', '🫠', '😀'])(
    'counts %s as 2, as twitter-text does',
    (emoji) => {
      expect(twitterText.parseTweet(emoji).weightedLength).toBe(2);
      expect(weightedLength(emoji).weightedLength).toBe(2);
    },
  );

  it('keeps twitter-text’s weight for what is not one emoji', () => {
    expect(weightedLength('©').weightedLength).toBe(1); // bare ©, no emoji presentation
    expect(weightedLength('🇺').weightedLength).toBe(2); // a lone regional indicator
    expect(weightedLength('😀\u0301').weightedLength).toBe(3); // emoji + combining accent: not an emoji sequence
    expect(weightedLength('1\uFE0F').weightedLength).toBe(3); // no keycap mark
    expect(weightedLength('漢字').weightedLength).toBe(4);
    expect(weightedLength('Hi https://example.com/a/long/path?q=1').weightedLength).toBe(26);
  });

  it('counts URLs 23 and emoji 2 side by side, and NFC-normalises', () => {
    expect(weightedLength('Hi http://test.co 🧑‍🤝‍🧑').weightedLength).toBe(3 + 23 + 1 + 2);
    expect(weightedLength('e\u0301').weightedLength).toBe(1);
  });

  it('takes 140 new emoji at 280 and refuses the 141st from where it starts', () => {
    const emoji = '🧑‍🤝‍🧑';
    const fits = weightedLength(emoji.repeat(140));
    expect(fits).toMatchObject({
      weightedLength: 280,
      valid: true,
      overflowStart: null,
      permillage: 1000,
    });
    const over = weightedLength(emoji.repeat(141));
    expect(over).toMatchObject({
      weightedLength: 282,
      valid: false,
      overflowStart: 140 * emoji.length,
    });
    expect(over.validRangeEnd).toBe(140 * emoji.length - 1);
  });

  it('maps the overflow back to the text as typed when it is not NFC', () => {
    // A decomposed é after the limit: twitter-text shifts the whole index by one; the overflow starts at 280.
    expect(weightedLength(`${'a'.repeat(281)}e\u0301`).overflowStart).toBe(280);
    expect(twitterText.parseTweet(`${'a'.repeat(281)}e\u0301`).validRangeEnd).toBe(280);
    // Before the limit, it takes two code units in the text as typed: the overflow starts one later.
    expect(weightedLength(`e\u0301${'a'.repeat(280)}`).overflowStart).toBe(281);
  });

  it('counts up to the maximum it is given', () => {
    expect(weightedLength('a'.repeat(25_000), 25_000)).toMatchObject({
      valid: true,
      overflowStart: null,
    });
    expect(weightedLength('a'.repeat(25_000))).toMatchObject({ valid: false, overflowStart: 280 });
    expect(weightedLength('a'.repeat(281), 25_000).valid).toBe(true);
  });

  it('stops the valid range at a character X refuses', () => {
    expect(weightedLength('abc\uFFFFdef')).toMatchObject({
      valid: false,
      hasInvalidCharacters: true,
      overflowStart: 3,
      validRangeEnd: 2,
    });
  });

  it('calls the empty text invalid without an overflow', () => {
    expect(weightedLength('')).toMatchObject({
      weightedLength: 0,
      valid: false,
      overflowStart: null,
    });
  });
});

describe('maxWeightedLengthFor', () => {
  it.each([
    ['Basic', 25_000],
    ['Premium', 25_000],
    ['PremiumPlus', 25_000],
    ['None', 280],
    [null, 280],
    ['SomethingNew', 280],
  ] as const)('%s → %i', (subscription, max) =>
    expect(maxWeightedLengthFor(subscription)).toBe(max),
  );
});

describe('postIdFrom', () => {
  it.each([
    ['1790000000000000001', '1790000000000000001'],
    [' 20 ', '20'],
    ['https://x.com/jack/status/20', '20'],
    ['https://twitter.com/jack/status/20?s=20&t=abc', '20'],
    ['https://mobile.twitter.com/jack/status/20', '20'],
    ['https://www.x.com/jack/status/20/photo/1', '20'],
    ['http://www.twitter.com/jack/statuses/20#top', '20'],
    ['x.com/jack/status/20', '20'],
    ['https://x.com/i/web/status/20', '20'],
    ['https://x.com/i/status/20', '20'],
  ])('%s → %s', (input, id) => expect(postIdFrom(input)).toBe(id));

  it.each([
    '',
    'abc',
    '012',
    '12345678901234567890123',
    'https://evilx.com/jack/status/20',
    'https://x.com.evil.com/jack/status/20',
    'https://x.com/jack',
    'https://x.com/jack/status/',
    'https://x.com/jack/status/abc',
    'https://x.com/a/b/status/20',
    'ftp://x.com/jack/status/20',
    'https://user@x.com/jack/status/20',
    'javascript:alert(1)//x.com/jack/status/20',
  ])('%s → null', (input) => expect(postIdFrom(input)).toBeNull());
});

describe('mediaFileProblem', () => {
  it.each([
    ['image/png', mediaMaxBytes.image, null],
    ['image/png', mediaMaxBytes.image + 1, /at most 5 MB/],
    ['image/gif', mediaMaxBytes.gif, null],
    ['image/gif', mediaMaxBytes.gif + 1, /GIFs of at most 15 MB/],
    ['video/mp4', mediaMaxBytes.video, null],
    ['video/mp4', mediaMaxBytes.video + 1, /videos of at most 512 MB/],
    ['image/bmp', 10, /does not take image\/bmp/],
    ['', 10, /this kind of file/],
  ] as const)('%s of %i bytes', (type, bytes, problem) => {
    const found = mediaFileProblem(type, bytes);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

const ids = Array.from({ length: 6 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
function mediaContext(kinds: MediaKind[], extra: Partial<PostRulesContext> = {}): PostRulesContext {
  const types: Record<MediaKind, string> = {
    image: 'image/png',
    gif: 'image/gif',
    video: 'video/mp4',
  };
  return {
    maxWeightedLength: 280,
    media: new Map(kinds.map((kind, i) => [ids[i]!, { kind, mimeType: types[kind], bytes: 1000 }])),
    ...extra,
  };
}
type Draft = Parameters<typeof postIssues>[0];
function draft(
  parts: Partial<PostDraftInput['parts'][number]>[],
  rest: Partial<Draft> = {},
): Draft {
  return {
    parts: parts.map((p) => ({ text: 'Hello', mediaIds: [], poll: null, ...p })),
    replyTo: null,
    quoteOf: null,
    ...rest,
  };
}
const paths = (d: Draft, c: PostRulesContext = mediaContext([])) =>
  postIssues(d, c).map((i) => i.path);

describe('postIssues', () => {
  it('takes a plain post, a thread, media and a poll within the rules', () => {
    const c = mediaContext(['image', 'image', 'image', 'image', 'video']);
    expect(
      postIssues(
        draft(
          [
            { text: 'One', mediaIds: ids.slice(0, 4) },
            { text: '', mediaIds: [ids[4]!] },
            { text: 'Vote', poll: { options: ['a', 'b'], durationMinutes: 5 } },
          ],
          { replyTo: 'https://x.com/jack/status/20' },
        ),
        c,
      ),
    ).toEqual([]);
  });

  it('refuses an empty part, even with only spaces or only a poll', () => {
    expect(paths(draft([{ text: 'ok' }, { text: '  \n' }]))).toEqual(['parts.1.text']);
    expect(
      paths(draft([{ text: '', poll: { options: ['a', 'b'], durationMinutes: 60 } }])),
    ).toEqual(['parts.0.text']);
  });

  it('refuses a part too long for the account, and takes it at 25,000', () => {
    const long = draft([{ text: 'short' }, { text: 'a'.repeat(281) }]);
    const issues = postIssues(long, mediaContext([]));
    expect(issues).toEqual([
      { path: 'parts.1.text', message: expect.stringMatching(/281 .* at most 280/) },
    ]);
    expect(postIssues(long, { ...mediaContext([]), maxWeightedLength: 25_000 })).toEqual([]);
    // 140 new emoji fit (twitter-text alone would say 1,120).
    expect(paths(draft([{ text: '🧑‍🤝‍🧑'.repeat(140) }]))).toEqual([]);
  });

  it('refuses a character X does not take', () => {
    expect(paths(draft([{ text: 'hi\uFFFE' }]))).toEqual(['parts.0.text']);
  });

  it('names each unknown or refused media by its place', () => {
    const c = mediaContext(['image']);
    const big = new Map(c.media).set(ids[1]!, {
      kind: 'image',
      mimeType: 'image/png',
      bytes: 6 * 1024 * 1024,
    });
    big.set(ids[2]!, { kind: 'image', mimeType: 'image/tiff', bytes: 10 });
    const issues = postIssues(draft([{ mediaIds: [ids[0]!, ids[1]!, ids[2]!, ids[5]!] }]), {
      ...c,
      media: big,
    });
    expect(issues.map((i) => i.path)).toEqual([
      'parts.0.mediaIds.1',
      'parts.0.mediaIds.2',
      'parts.0.mediaIds.3',
    ]);
    expect(issues[0]!.message).toMatch(/too large/);
    expect(issues[1]!.message).toMatch(/image\/tiff/);
    expect(issues[2]!.message).toMatch(/no longer in Perch/);
  });

  it('takes 4 images, not 5; one GIF or one video alone, never mixed', () => {
    const c = mediaContext(['image', 'image', 'image', 'image', 'image', 'gif']);
    expect(paths(draft([{ mediaIds: ids.slice(0, 4) }]), c)).toEqual([]);
    expect(paths(draft([{ mediaIds: ids.slice(0, 5) }]), c)).toEqual(['parts.0.mediaIds']);
    expect(paths(draft([{ mediaIds: [ids[5]!] }]), c)).toEqual([]);
    expect(paths(draft([{ mediaIds: [ids[0]!, ids[5]!] }]), c)).toEqual(['parts.0.mediaIds']);
    const videos = mediaContext(['video', 'video']);
    const two = postIssues(draft([{ mediaIds: [ids[0]!, ids[1]!] }]), videos);
    expect(two).toEqual([
      { path: 'parts.0.mediaIds', message: expect.stringMatching(/one video/) },
    ]);
  });

  it('checks a poll: 2 to 4 choices of 1 to 25 characters, 5 minutes to 7 days, no media', () => {
    const poll = (options: string[], durationMinutes = 60) =>
      draft([{ poll: { options, durationMinutes } }]);
    expect(paths(poll(['a']))).toEqual(['parts.0.poll.options']);
    expect(paths(poll(['a', 'b', 'c', 'd', 'e']))).toEqual(['parts.0.poll.options']);
    expect(paths(poll(['a', 'b', 'c', 'd'], 10_080))).toEqual([]);
    expect(paths(poll(['a', 'b'], 10_081))).toEqual(['parts.0.poll.durationMinutes']);
    expect(paths(poll(['a', 'b'], 4))).toEqual(['parts.0.poll.durationMinutes']);
    expect(paths(poll(['a', 'b'], 5.5))).toEqual(['parts.0.poll.durationMinutes']);
    expect(paths(poll(['a', ' ']))).toEqual(['parts.0.poll.options.1']);
    expect(paths(poll(['x'.repeat(25), 'é'.repeat(25)]))).toEqual([]);
    expect(paths(poll(['x'.repeat(26), 'b']))).toEqual(['parts.0.poll.options.0']);
    const c = mediaContext(['image']);
    expect(
      paths(
        draft([{ mediaIds: [ids[0]!], poll: { options: ['a', 'b'], durationMinutes: 60 } }]),
        c,
      ),
    ).toEqual(['parts.0.poll']);
  });

  it('counts a poll choice by code points of its NFC form', () => {
    expect(pollOptionLength('e\u0301')).toBe(1);
    expect(pollOptionLength('😀')).toBe(1);
    expect(pollOptionLength('🧑‍🤝‍🧑')).toBe(5);
  });

  it('refuses more than 25 parts', () => {
    const parts = Array.from({ length: 26 }, (_, i) => ({ text: `Part ${i}` }));
    expect(paths(draft(parts))).toEqual(['parts']);
    expect(paths(draft(parts.slice(0, 25)))).toEqual([]);
  });

  it('refuses a reply or quote target that is not an X post', () => {
    expect(
      paths(draft([{}], { replyTo: 'https://example.com/status/20', quoteOf: 'hello' })),
    ).toEqual(['replyTo', 'quoteOf']);
    expect(
      paths(draft([{}], { replyTo: '20', quoteOf: 'https://twitter.com/a/status/21' })),
    ).toEqual([]);
  });

  it('refuses media or a poll in the first part of a quote, not in later parts', () => {
    const c = mediaContext(['image', 'image']);
    const quote = { quoteOf: '21' };
    expect(
      paths(draft([{ mediaIds: [ids[0]!] }, { mediaIds: [ids[1]!], text: 'b' }], quote), c),
    ).toEqual(['parts.0.mediaIds']);
    expect(paths(draft([{ poll: { options: ['a', 'b'], durationMinutes: 60 } }], quote))).toEqual([
      'parts.0.poll',
    ]);
  });

  it('refuses two parts with the same text, whatever the spacing or normalisation', () => {
    const issues = postIssues(
      draft([{ text: 'Café' }, { text: 'Other' }, { text: ' Cafe\u0301 ' }]),
      mediaContext([]),
    );
    expect(issues).toEqual([
      { path: 'parts.2.text', message: expect.stringMatching(/repeats part 1/) },
    ]);
    const c = mediaContext(['image', 'image']);
    expect(
      paths(
        draft([
          { text: '', mediaIds: [ids[0]!] },
          { text: '', mediaIds: [ids[1]!] },
        ]),
        c,
      ),
    ).toEqual([]);
  });

  it('refuses a schedule without a time, or in the past when it knows the time', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    const at = (scheduledAt: string | null, action: PostDraftInput['action'] = 'schedule') =>
      paths(draft([{}], { action, scheduledAt }), mediaContext([], { now }));
    expect(at(null)).toEqual(['scheduledAt']);
    expect(at('2026-12-04T11:59:59Z')).toEqual(['scheduledAt']);
    expect(at('2026-12-04T12:00:00Z')).toEqual(['scheduledAt']);
    expect(at('2026-12-04T13:00:00+01:00')).toEqual(['scheduledAt']); // the same instant as now
    expect(at('2026-12-04T12:00:01Z')).toEqual([]);
    expect(at('2020-01-01T00:00:00Z', 'draft')).toEqual([]);
    expect(paths(draft([{}], { action: 'schedule', scheduledAt: '2020-01-01T00:00:00Z' }))).toEqual(
      [],
    );
  });
});

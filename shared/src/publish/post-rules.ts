/**
 * What X accepts in a post, checked once, here: the Compose page runs it as the user types and the server runs
 * it again before a post is saved or sent. A post X would refuse is refused here, each reason next to the part
 * (and field) it concerns.
 *
 * Imported as `@perch/shared/post-rules` (not from the index: the extension has no use for twitter-text).
 */
import twitterText from 'twitter-text';
import type { MediaKind, PostDraftInput } from '../api/publish.ts';

export const standardMaxWeightedLength = 280;
export const longPostMaxWeightedLength = 25_000;
export const maxThreadParts = 25;
export const maxImagesPerPost = 4;
export const pollOptionsMin = 2;
export const pollOptionsMax = 4;
export const pollOptionMaxCharacters = 25;
export const pollMinutesMin = 5;
export const pollMinutesMax = 10_080;

/** X's size caps per kind of media, in bytes. */
export const mediaMaxBytes: Record<MediaKind, number> = {
  image: 5 * 1024 * 1024,
  gif: 15 * 1024 * 1024,
  video: 512 * 1024 * 1024,
};

/** The file types Perch publishes, by kind. */
export const mediaTypes: Record<MediaKind, readonly string[]> = {
  image: ['image/jpeg', 'image/png', 'image/webp'],
  gif: ['image/gif'],
  video: ['video/mp4', 'video/quicktime'],
};

export interface PostIssue {
  /** Dotted path into PostDraftInput, e.g. `parts.1.text` or `parts.0.poll.options.2`. */
  path: string;
  message: string;
}

export interface WeightedLength {
  weightedLength: number;
  maxWeightedLength: number;
  /** Not empty, within the maximum and free of characters X refuses. */
  valid: boolean;
  /** weightedLength per thousand of the maximum, rounded down (twitter-text's `permillage`). */
  permillage: number;
  /** The text holds a character X refuses (U+FFFE, U+FFFF, directional overrides…); it ends the valid range. */
  hasInvalidCharacters: boolean;
  /**
   * Index (UTF-16, in the text as given, inclusive) of the last code unit that fits: twitter-text's
   * `validRangeEnd`, 0 when nothing fits. Prefer `overflowStart` to highlight.
   */
  validRangeEnd: number;
  /** Index (UTF-16, in the text as given) where the part X would refuse begins; null when all of it fits. */
  overflowStart: number | null;
}

/**
 * twitter-text's config v3 (its `configs.defaults`, what X counts with): code points in these ranges weigh 1
 * (Latin, Greek, Cyrillic, general punctuation…), everything else 2, a URL 23, an emoji 2. Weights are scaled
 * by 100 as twitter-text does so the sums stay integers.
 */
const counting = {
  scale: 100,
  defaultWeight: 200,
  transformedUrlLength: 23,
  ranges: [
    { start: 0, end: 4351, weight: 100 },
    { start: 8192, end: 8205, weight: 100 },
    { start: 8208, end: 8223, weight: 100 },
    { start: 8242, end: 8247, weight: 100 },
  ],
} as const;

function characterWeight(codeUnit: number): number {
  for (const range of counting.ranges)
    if (codeUnit >= range.start && codeUnit <= range.end) return range.weight;
  return counting.defaultWeight;
}

/**
 * One emoji as Unicode builds them (UTS #51's emoji_zwj_sequence grammar): flags (two regional indicators),
 * keycaps, a pictograph with a presentation selector, skin tone or tag sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿), and ZWJ chains of those.
 * Structural rather than Unicode's RGI list (`\p{RGI_Emoji}`) on purpose: the RGI list is as old as the
 * engine's ICU, so a browser and the server would count a new emoji differently; Extended_Pictographic already
 * covers code points reserved for future emoji. A hand-made ZWJ chain no keyboard offers counts 2 too.
 */
const emojiElement = String.raw`(?:\p{Regional_Indicator}{2}|[0-9#*]\uFE0F?\u20E3|\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier}\uFE0F?)?(?:[\u{E0020}-\u{E007E}]+\u{E007F})?)`;
const emojiSequence = new RegExp(`^${emojiElement}(?:\\u200D${emojiElement})*$`, 'u');
/** Every emoji of several code points holds one of these: a cheap test before segmenting. */
const sequencePart =
  /\u200D|\uFE0F|\u20E3|\p{Regional_Indicator}|\p{Emoji_Modifier}|[\u{E0020}-\u{E007F}]/u;

let segmenter: Intl.Segmenter | null | undefined;
function graphemeSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined)
    segmenter =
      typeof Intl.Segmenter === 'function'
        ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
        : null;
  return segmenter;
}

/**
 * Emoji of several code points, start index → length: each counts 2, as X counts it. twitter-text's emoji table
 * (twemoji 2019) splits the newer ones into their parts (🧑‍🤝‍🧑 = 8, ❤️‍🔥 = 5, 🫱🏻 = 4). A single code point keeps
 * twitter-text's weight, which for an emoji is already 2 (and 1 for a bare ©, as X counts it).
 * Without Intl.Segmenter (Firefox before 125) nothing is re-scored: it over-counts, the safe direction.
 */
function emojiSequences(text: string): Map<number, number> {
  const found = new Map<number, number>();
  const graphemes = sequencePart.test(text) ? graphemeSegmenter() : null;
  if (!graphemes) return found;
  for (const { segment, index } of graphemes.segment(text))
    if (
      segment.length > ((segment.codePointAt(0) ?? 0) > 0xffff ? 2 : 1) &&
      emojiSequence.test(segment)
    )
      found.set(index, segment.length);
  return found;
}

/**
 * Where each grapheme of `text` starts in its NFC form, so an index in the normalised text maps back to the text
 * the user typed (twitter-text shifts by the whole length difference, wrong when the change is after the index).
 * Null when normalising grapheme by grapheme does not give the whole text's NFC (then twitter-text's shift is used).
 */
function normalisedBoundaries(
  text: string,
  normalised: string,
): { from: number; to: number }[] | null {
  const graphemes = graphemeSegmenter();
  const pieces = graphemes
    ? Array.from(graphemes.segment(text), (s) => s.segment)
    : Array.from(text);
  const boundaries: { from: number; to: number }[] = [];
  let from = 0;
  let to = 0;
  for (const piece of pieces) {
    const nfc = piece.normalize('NFC');
    if (normalised.slice(to, to + nfc.length) !== nfc) return null;
    boundaries.push({ from: to, to: from });
    from += piece.length;
    to += nfc.length;
  }
  return to === normalised.length ? boundaries : null;
}

/** The index in `text` of the end (exclusive) of what fits, given that end in the normalised text. */
function originalEnd(text: string, normalised: string, fitsEnd: number): number {
  if (text === normalised || fitsEnd === 0) return fitsEnd;
  if (fitsEnd === normalised.length) return text.length;
  const boundaries = normalisedBoundaries(text, normalised);
  if (!boundaries)
    return Math.max(0, Math.min(text.length, fitsEnd + text.length - normalised.length));
  // The last grapheme that starts at or before fitsEnd: if fitsEnd cuts it, the whole grapheme overflows.
  let end = 0;
  for (const { from, to } of boundaries) {
    if (from > fitsEnd) break;
    end = to;
  }
  return end;
}

/**
 * X's weighted length of `text`: twitter-text 3.1.0's parseTweet with config v3 (text NFC-normalised, URLs count
 * 23, CJK 2, each emoji 2), except that an emoji of several code points counts 2 however new it is.
 */
export function weightedLength(
  text: string,
  maxWeightedLength: number = standardMaxWeightedLength,
): WeightedLength {
  const normalised = text.normalize('NFC');
  const urls = new Map(
    twitterText
      .extractUrlsWithIndices(normalised)
      .map((u) => [u.indices[0], u.url.length] as const),
  );
  const emoji = emojiSequences(normalised);
  const max = maxWeightedLength * counting.scale;
  let weight = 0;
  let noInvalid = true;
  let fitsEnd = 0;
  for (let i = 0; i < normalised.length; i++) {
    const url = urls.get(i);
    const sequence = url === undefined ? emoji.get(i) : undefined;
    if (url !== undefined) {
      weight += counting.transformedUrlLength * counting.scale;
      i += url - 1;
    } else if (sequence !== undefined) {
      weight += counting.defaultWeight;
      i += sequence - 1;
    } else {
      const high = normalised.charCodeAt(i);
      const low = normalised.charCodeAt(i + 1);
      if (high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) i++;
      // twitter-text weighs the low surrogate of a pair: always the default weight, 2.
      weight += characterWeight(normalised.charCodeAt(i));
    }
    // As twitter-text: the last code unit of each counted unit is tested, and the first invalid one ends validity.
    if (noInvalid) noInvalid = !twitterText.hasInvalidCharacters(normalised.substring(i, i + 1));
    if (noInvalid && weight <= max) fitsEnd = i + 1;
  }
  const length = weight / counting.scale;
  const end = originalEnd(text, normalised, fitsEnd);
  return {
    weightedLength: length,
    maxWeightedLength,
    valid: noInvalid && length > 0 && length <= maxWeightedLength,
    permillage: Math.floor((length / maxWeightedLength) * 1000),
    hasInvalidCharacters: !noInvalid,
    validRangeEnd: Math.max(0, end - 1),
    overflowStart: end < text.length ? end : null,
  };
}

/**
 * The longest post X takes from an account with this `subscription_type` (GET /2/users/me). X's Premium tiers
 * Basic, Premium and PremiumPlus all include long posts, so all three get 25,000; None, null (not asked, or an
 * older answer without the field) and any value X may add later get 280, so Perch never lets a post through
 * that X would refuse for length.
 */
export function maxWeightedLengthFor(subscriptionType: string | null): number {
  return subscriptionType !== null &&
    ['basic', 'premium', 'premiumplus'].includes(subscriptionType.toLowerCase())
    ? longPostMaxWeightedLength
    : standardMaxWeightedLength;
}

const postHosts = new Set(['x.com', 'twitter.com', 'mobile.twitter.com', 'mobile.x.com']);
const postId = /^[1-9][0-9]{0,19}$/;

/**
 * The X post id in `input`: the id itself, or a status link on x.com / twitter.com (www., mobile., with or
 * without https://, with /photo/1, /video/1, /analytics, a query or a fragment). Null for anything else.
 */
export function postIdFrom(input: string): string | null {
  const trimmed = input.trim();
  if (postId.test(trimmed)) return trimmed;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.port) return null;
  if (!postHosts.has(url.hostname.replace(/^www\./, ''))) return null;
  // /<handle>/status/<id>, /<handle>/statuses/<id>, /i/status/<id>, /i/web/status/<id>
  const path = url.pathname.split('/').filter((s) => s !== '');
  const at = path.findIndex((s) => s === 'status' || s === 'statuses');
  if (at < 1 || at > 2 || (at === 2 && (path[0] !== 'i' || path[1] !== 'web'))) return null;
  const id = path[at + 1];
  return id !== undefined && postId.test(id) ? id : null;
}

/** The kind of media a file type is, or null when X does not take it. */
export function mediaKindOf(mimeType: string): MediaKind | null {
  for (const [kind, types] of Object.entries(mediaTypes) as [MediaKind, readonly string[]][])
    if (types.includes(mimeType)) return kind;
  return null;
}

const kindPlural: Record<MediaKind, string> = { image: 'images', gif: 'GIFs', video: 'videos' };

/** A file X would refuse for its type or size, as a sentence; null when it is fine. */
export function mediaFileProblem(mimeType: string, bytes: number): string | null {
  const kind = mediaKindOf(mimeType);
  if (!kind)
    return mimeType
      ? `X does not take ${mimeType} files: use JPEG, PNG, WebP, GIF, MP4 or MOV.`
      : 'X does not take this kind of file: use JPEG, PNG, WebP, GIF, MP4 or MOV.';
  if (bytes > mediaMaxBytes[kind])
    return `This file is too large: X takes ${kindPlural[kind]} of at most ${mediaMaxBytes[kind] / 1024 / 1024} MB.`;
  return null;
}

/**
 * The characters of a poll choice as X counts them: code points of the NFC form (as twitter-text's
 * getUnicodeTextLength counts). Never fewer than graphemes, so a choice Perch accepts is never one X counts
 * longer by graphemes; an emoji of several code points counts as several.
 */
export function pollOptionLength(option: string): number {
  return Array.from(option.normalize('NFC')).length;
}

export interface PostRulesContext {
  maxWeightedLength: number;
  /** What Perch knows of each media id the draft names (unknown ids are an issue). */
  media: ReadonlyMap<string, { kind: MediaKind; mimeType: string; bytes: number }>;
  /** With it, a scheduled post's time must be after it (the server passes its clock; the page, the user's). */
  now?: Date;
}

type DraftPart = PostDraftInput['parts'][number];

function partIssues(
  part: DraftPart,
  i: number,
  context: PostRulesContext,
  quoting: boolean,
): PostIssue[] {
  const issues: PostIssue[] = [];
  const at = `parts.${i}`;
  const mediaIds = part.mediaIds ?? [];
  const poll = part.poll ?? null;
  const hasText = part.text.trim() !== '';

  if (!hasText && mediaIds.length === 0)
    issues.push({
      path: `${at}.text`,
      message: 'This part is empty: write something or add media.',
    });
  else if (hasText) {
    const length = weightedLength(part.text, context.maxWeightedLength);
    if (length.weightedLength > context.maxWeightedLength)
      issues.push({
        path: `${at}.text`,
        message: `This part is too long: ${length.weightedLength} characters as X counts them, and X takes at most ${context.maxWeightedLength.toLocaleString('en')}.`,
      });
    if (length.hasInvalidCharacters)
      issues.push({
        path: `${at}.text`,
        message:
          'This part holds a character X does not take (an invisible control or non-character); remove it.',
      });
  }

  const known: MediaKind[] = [];
  mediaIds.forEach((id, j) => {
    const media = context.media.get(id);
    if (!media) {
      issues.push({
        path: `${at}.mediaIds.${j}`,
        message: 'This media is no longer in Perch: remove it and add the file again.',
      });
      return;
    }
    known.push(media.kind);
    const problem = mediaFileProblem(media.mimeType, media.bytes);
    if (problem) issues.push({ path: `${at}.mediaIds.${j}`, message: problem });
  });
  const moving = known.filter((k) => k !== 'image');
  if (moving.length > 0 && known.length > 1)
    issues.push({
      path: `${at}.mediaIds`,
      message: `X takes one ${moving[0] === 'gif' ? 'GIF' : 'video'} on its own in a post, or up to 4 images: keep one, or move the rest to another part.`,
    });
  else if (known.length > maxImagesPerPost)
    issues.push({
      path: `${at}.mediaIds`,
      message: `X takes at most 4 images in a post; this part has ${known.length}: move some to another part.`,
    });
  if (quoting && mediaIds.length > 0)
    issues.push({
      path: `${at}.mediaIds`,
      message:
        'X does not take media in a post that quotes another: remove the media or the quote.',
    });

  if (poll) {
    if (mediaIds.length > 0)
      issues.push({
        path: `${at}.poll`,
        message: 'X does not take a poll and media in one post: remove one of them.',
      });
    if (quoting)
      issues.push({
        path: `${at}.poll`,
        message:
          'X does not take a poll in a post that quotes another: remove the poll or the quote.',
      });
    if (poll.options.length < pollOptionsMin || poll.options.length > pollOptionsMax)
      issues.push({
        path: `${at}.poll.options`,
        message: `A poll has 2 to 4 choices; this one has ${poll.options.length}.`,
      });
    poll.options.forEach((option, j) => {
      const length = pollOptionLength(option.trim());
      if (length === 0)
        issues.push({
          path: `${at}.poll.options.${j}`,
          message: 'Write this choice, or remove it.',
        });
      else if (length > pollOptionMaxCharacters)
        issues.push({
          path: `${at}.poll.options.${j}`,
          message: `This choice is ${length} characters; X takes at most 25.`,
        });
    });
    if (
      !Number.isInteger(poll.durationMinutes) ||
      poll.durationMinutes < pollMinutesMin ||
      poll.durationMinutes > pollMinutesMax
    )
      issues.push({
        path: `${at}.poll.durationMinutes`,
        message: 'A poll runs from 5 minutes to 7 days (10,080 minutes).',
      });
  }
  return issues;
}

/** Every reason X would refuse this post, each with the path it concerns; empty when X would take it. */
export function postIssues(
  draft: Pick<PostDraftInput, 'parts' | 'replyTo' | 'quoteOf'> &
    Partial<Pick<PostDraftInput, 'action' | 'scheduledAt'>>,
  context: PostRulesContext,
): PostIssue[] {
  const issues: PostIssue[] = [];
  if (draft.parts.length === 0)
    issues.push({ path: 'parts', message: 'Write the post: it has no part yet.' });
  if (draft.parts.length > maxThreadParts)
    issues.push({
      path: 'parts',
      message: `A thread has at most 25 posts; this one has ${draft.parts.length}.`,
    });

  if (draft.replyTo != null && postIdFrom(draft.replyTo) === null)
    issues.push({
      path: 'replyTo',
      message: "This is not a post on X: paste the post's link (x.com/…/status/…) or its number.",
    });
  const quoting = draft.quoteOf != null && draft.quoteOf.trim() !== '';
  if (draft.quoteOf != null && postIdFrom(draft.quoteOf) === null)
    issues.push({
      path: 'quoteOf',
      message: "This is not a post on X: paste the post's link (x.com/…/status/…) or its number.",
    });

  const texts = new Map<string, number>();
  draft.parts.forEach((part, i) => {
    // X's createPosts document: media and a poll are each "mutually exclusive from Quote Tweet Id".
    issues.push(...partIssues(part, i, context, quoting && i === 0));
    const text = part.text.trim().normalize('NFC');
    if (text === '') return;
    const first = texts.get(text);
    if (first !== undefined)
      issues.push({
        path: `parts.${i}.text`,
        message: `This part repeats part ${first + 1} word for word, and X refuses the same text twice: change one of them.`,
      });
    else texts.set(text, i);
  });

  if (draft.action === 'schedule') {
    const when = draft.scheduledAt ? new Date(draft.scheduledAt) : null;
    if (!when || Number.isNaN(when.getTime()))
      issues.push({ path: 'scheduledAt', message: 'Pick when to publish this post.' });
    else if (context.now && when.getTime() <= context.now.getTime())
      issues.push({
        path: 'scheduledAt',
        message: 'This time has already passed: pick a later one, or publish now.',
      });
  }
  return issues;
}

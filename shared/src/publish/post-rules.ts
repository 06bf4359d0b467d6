/**
 * What X accepts in a post, checked once, here: the Compose page runs it as the user types and the server runs
 * it again before a post is saved or sent. A post X would refuse is refused here, each reason next to the part
 * (and field) it concerns.
 *
 * Imported as `@perch/shared/post-rules` (not from the index: the extension has no use for twitter-text).
 *
 * FIRST VERSION (contract): the signatures are final; the weighted counter, emoji re-scoring, premium length and
 * conformance tests are completed by the shared-validator work.
 */
import twitterText from 'twitter-text';
import type { MediaKind, PostDraftInput } from '../api/publish.ts';

export const standardMaxWeightedLength = 280;
export const longPostMaxWeightedLength = 25_000;

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
  valid: boolean;
}

/** X's weighted length of `text`: twitter-text's rules (URLs count 23, CJK 2), emoji re-scored by grapheme. */
export function weightedLength(
  text: string,
  maxWeightedLength: number = standardMaxWeightedLength,
): WeightedLength {
  const parsed = twitterText.parseTweet(text);
  return {
    weightedLength: parsed.weightedLength,
    maxWeightedLength,
    valid: parsed.weightedLength > 0 && parsed.weightedLength <= maxWeightedLength,
  };
}

/** The kind of media a file type is, or null when X does not take it. */
export function mediaKindOf(mimeType: string): MediaKind | null {
  for (const [kind, types] of Object.entries(mediaTypes) as [MediaKind, readonly string[]][])
    if (types.includes(mimeType)) return kind;
  return null;
}

/** A file X would refuse for its type or size, as a sentence; null when it is fine. */
export function mediaFileProblem(mimeType: string, bytes: number): string | null {
  const kind = mediaKindOf(mimeType);
  if (!kind) return `X does not take ${mimeType || 'this kind of'} files.`;
  if (bytes > mediaMaxBytes[kind])
    return `Too large: X takes ${kind === 'gif' ? 'GIFs' : `${kind}s`} of at most ${mediaMaxBytes[kind] / 1024 / 1024} MB.`;
  return null;
}

export interface PostRulesContext {
  maxWeightedLength: number;
  /** What Perch knows of each media id the draft names (unknown ids are an issue). */
  media: ReadonlyMap<string, { kind: MediaKind; mimeType: string; bytes: number }>;
}

/** Every reason X would refuse this post, each with the path it concerns; empty when X would take it. */
export function postIssues(
  draft: Pick<PostDraftInput, 'parts' | 'replyTo' | 'quoteOf'>,
  context: PostRulesContext,
): PostIssue[] {
  const issues: PostIssue[] = [];
  draft.parts.forEach((part, i) => {
    const length = weightedLength(part.text, context.maxWeightedLength);
    if (part.text.trim() === '' && part.mediaIds.length === 0)
      issues.push({ path: `parts.${i}.text`, message: 'Write something or add media.' });
    else if (length.weightedLength > context.maxWeightedLength)
      issues.push({
        path: `parts.${i}.text`,
        message: `Too long: ${length.weightedLength} of ${context.maxWeightedLength}.`,
      });
    if (part.poll && part.mediaIds.length > 0)
      issues.push({
        path: `parts.${i}.poll`,
        message: 'X does not take a poll and media in one post.',
      });
  });
  return issues;
}

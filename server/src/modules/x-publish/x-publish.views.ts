import type { MediaView, PostView } from '@perch/shared';
import type { PartRow, PostRow } from './x-publish.queries.ts';

/** X's link to a post; /i/status/ works without the account's handle. */
export const xPostUrl = (xPostId: string) => `https://x.com/i/status/${xPostId}`;

export function toPostView(
  post: PostRow,
  parts: PartRow[],
  media: Map<string, MediaView>,
): PostView {
  return {
    id: post.id,
    status: post.status,
    parts: parts
      .filter((p) => p.postId === post.id)
      .sort((a, b) => a.position - b.position)
      .map((p) => ({
        position: p.position,
        text: p.text,
        media: p.mediaIds.map((id) => media.get(id)).filter((m): m is MediaView => m !== undefined),
        poll: p.poll ?? null,
        xPostId: p.xPostId,
        url: p.xPostId ? xPostUrl(p.xPostId) : null,
        state: p.state,
        error: p.error,
      })),
    replyTo: post.replyTo,
    quoteOf: post.quoteOf,
    scheduledAt: post.scheduledAt?.toISOString() ?? null,
    timeZone: post.timeZone,
    publishedAt: post.publishedAt?.toISOString() ?? null,
    attention:
      post.status === 'needs_attention' && post.attentionReason
        ? { reason: post.attentionReason, retryable: post.attentionRetryable ?? false }
        : null,
    waitingUntil: post.waitingUntil?.toISOString() ?? null,
    waitingReason: post.waitingReason,
    uploadProgress: post.status === 'uploading' ? (post.uploadProgress ?? 0) : null,
    createdAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
  };
}

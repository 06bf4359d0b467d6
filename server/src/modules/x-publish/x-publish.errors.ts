import { ProblemError } from '../../lib/http-problem.ts';

export const xPublishProblems = {
  notFound: () => new ProblemError(404, 'post.not_found', 'Post not found'),
  notEditable: (status: string) =>
    new ProblemError(
      409,
      'post.not_editable',
      'This post cannot be changed now',
      `A post can be edited or deleted while it is a draft, scheduled, or needs attention with nothing on X yet; this one is ${status.replace('_', ' ')}.`,
    ),
  partlyOnX: () =>
    new ProblemError(
      409,
      'post.partly_published',
      'Part of this post is on X already',
      'Retry to go on from the first part X has not confirmed, or delete the published parts on X first.',
    ),
  notRetryable: () =>
    new ProblemError(
      409,
      'post.not_retryable',
      'Only a post that needs attention can be retried',
    ),
};

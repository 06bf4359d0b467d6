import { Hono } from 'hono';
import { z } from 'zod';
import { PostDraftInput, PostingBudget, PostList, PostsQuery, PostView } from '@perch/shared';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, empty, json, pathParam, problem } from '../../lib/api-docs.ts';
import { validJson, validQuery } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { XPublishService } from './x-publish.service.ts';

const signedOut = problem('Not signed in');
const noPost = problem('No such post');
const postId = [pathParam('id', z.uuid())];
const invalid = problem(
  'X would refuse it: each reason with the path of the part or field it concerns',
);

/** Mounted at /api/v1/posts. */
export function createXPublishRoutes({ xPublish }: { xPublish: XPublishService }) {
  return new Hono<AppEnv>()
    .use(requireUser)
    .get(
      '/budget',
      describeRoute({
        summary:
          'What is left of X’s budget for posts: the 15-minute window, the tighter 24-hour window, and whether the X app is out (usage cap, credits)',
        security: bySession,
        responses: { 200: json('Budget', PostingBudget), 401: signedOut },
      }),
    )
    .get('/budget', async (c) => c.json(await xPublish.budget(c.var.user!.id)))
    .get(
      '/',
      describeRoute({
        summary:
          'Your posts, newest first (drafts, scheduled, publishing, published, needing attention)',
        security: bySession,
        responses: { 200: json('Posts', PostList), 401: signedOut },
      }),
    )
    .get('/', validQuery(PostsQuery), async (c) =>
      c.json(await xPublish.page(c.var.user!.id, c.req.valid('query'))),
    )
    .post(
      '/',
      describeRoute({
        summary: 'Save a post or thread as a draft, schedule it, or publish it now',
        security: bySession,
        responses: { 201: json('Saved', PostView), 400: invalid, 401: signedOut },
      }),
    )
    .post('/', validJson(PostDraftInput), async (c) =>
      c.json(await xPublish.create(c.var.user!.id, c.req.valid('json')), 201),
    )
    .get(
      '/:id',
      describeRoute({
        summary: 'A post, with each part’s state and link',
        security: bySession,
        parameters: postId,
        responses: { 200: json('Post', PostView), 401: signedOut, 404: noPost },
      }),
    )
    .get('/:id', async (c) => c.json(await xPublish.get(c.var.user!.id, c.req.param('id'))))
    .put(
      '/:id',
      describeRoute({
        summary:
          'Replace a draft, a scheduled post or one that needs attention (nothing of it on X yet)',
        security: bySession,
        parameters: postId,
        responses: {
          200: json('Saved', PostView),
          400: invalid,
          401: signedOut,
          404: noPost,
          409: problem('Not editable now, or part of it is on X already'),
        },
      }),
    )
    .put('/:id', validJson(PostDraftInput), async (c) =>
      c.json(await xPublish.update(c.var.user!.id, c.req.param('id'), c.req.valid('json'))),
    )
    .delete(
      '/:id',
      describeRoute({
        summary:
          'Delete a draft, a scheduled post or one that needs attention (nothing of it on X)',
        security: bySession,
        parameters: postId,
        responses: {
          204: empty('Deleted'),
          401: signedOut,
          404: noPost,
          409: problem('Not deletable now, or part of it is on X'),
        },
      }),
    )
    .delete('/:id', async (c) => {
      await xPublish.delete(c.var.user!.id, c.req.param('id'));
      return c.body(null, 204);
    })
    .post(
      '/:id/retry',
      describeRoute({
        summary: 'Retry a post that needs attention, from the first part X has not confirmed',
        security: bySession,
        parameters: postId,
        responses: {
          200: json('Publishing again', PostView),
          401: signedOut,
          404: noPost,
          409: problem('The post does not need attention'),
        },
      }),
    )
    .post('/:id/retry', async (c) =>
      c.json(await xPublish.retry(c.var.user!.id, c.req.param('id'))),
    );
}

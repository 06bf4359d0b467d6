import { Hono } from 'hono';
import { MediaView } from '@perch/shared';
import { mediaMaxBytes, mediaTypes } from '@perch/shared/post-rules';
import { z } from 'zod';
import type { AppEnv } from '../../app-env.ts';
import { bySession, describeRoute, empty, json, pathParam, problem } from '../../lib/api-docs.ts';
import { problems } from '../../lib/http-problem.ts';
import { isUuid } from '../../lib/ids.ts';
import { validJson } from '../../lib/validation.ts';
import { requireUser } from '../accounts/accounts.middleware.ts';
import type { XMediaService } from './x-media.service.ts';

/** PATCH /media/:id: X takes alt text of up to 1,000 characters. */
export const UpdateMedia = z.object({ altText: z.string().max(1000) });

const signedOut = problem('Not signed in');
const noMedia = problem('No such media (or not yours)');
const mediaId = [pathParam('id', z.uuid())];
const binary = { schema: { type: 'string', format: 'binary' } } as const;
const mb = (bytes: number) => bytes / 1024 / 1024;

/** Mounted at /api/v1/media. POST / is exempt from the app's body limit (app.ts): it enforces the media caps. */
export function createXMediaRoutes({ xMedia }: { xMedia: XMediaService }) {
  const own = async (userId: string, id: string) => {
    const view = isUuid(id) ? await xMedia.view(userId, id) : null;
    if (!view) throw problems.notFound('Media');
    return view;
  };
  return new Hono<AppEnv>()
    .use(requireUser)
    .post(
      '/',
      describeRoute({
        summary: `Upload a file for a post: the raw bytes as the body, its type as Content-Type, its name in x-perch-file-name (percent-encoded). Stored as it arrives; images up to ${mb(mediaMaxBytes.image)} MB, GIFs ${mb(mediaMaxBytes.gif)} MB, videos ${mb(mediaMaxBytes.video)} MB`,
        security: bySession,
        parameters: [
          {
            name: 'x-perch-file-name',
            in: 'header',
            required: false,
            schema: { type: 'string' },
            description: 'The file’s name, percent-encoded',
          },
        ],
        requestBody: {
          required: true,
          content: Object.fromEntries(Object.values(mediaTypes).flat().map((t) => [t, binary])),
        },
        responses: {
          201: json('Stored', MediaView),
          400: problem('Empty, or the file’s contents are not its declared type'),
          401: signedOut,
          413: problem('Larger than X takes for its kind'),
          415: problem('A type X does not take'),
        },
      }),
    )
    .post('/', async (c) => {
      const length = c.req.header('content-length');
      const view = await xMedia.store(c.var.user!.id, {
        mimeType: c.req.header('content-type') ?? '',
        fileName: c.req.header('x-perch-file-name'),
        declaredBytes: length && /^\d+$/.test(length) ? Number(length) : null,
        body: c.req.raw.body,
      });
      c.var.log.info({ mediaId: view.id, kind: view.kind, bytes: view.bytes }, 'media stored');
      return c.json(view, 201);
    })
    .get(
      '/:id',
      describeRoute({
        summary: 'A media: its alt text and where its upload to X stands (progress, X’s reason when it failed)',
        security: bySession,
        parameters: mediaId,
        responses: { 200: json('Media', MediaView), 401: signedOut, 404: noMedia },
      }),
    )
    .get('/:id', async (c) => c.json(await own(c.var.user!.id, c.req.param('id'))))
    .patch(
      '/:id',
      describeRoute({
        summary: 'Set a media’s alt text (up to 1,000 characters); sent to X with the post',
        security: bySession,
        parameters: mediaId,
        responses: { 200: json('Media', MediaView), 401: signedOut, 404: noMedia },
      }),
    )
    .patch('/:id', validJson(UpdateMedia), async (c) => {
      const userId = c.var.user!.id;
      const id = c.req.param('id');
      await own(userId, id);
      const view = await xMedia.setAltText(userId, id, c.req.valid('json').altText);
      if (!view) throw problems.notFound('Media');
      return c.json(view);
    })
    .delete(
      '/:id',
      describeRoute({
        summary: 'Delete a media from Perch',
        security: bySession,
        parameters: mediaId,
        responses: { 204: empty('Deleted'), 401: signedOut, 404: noMedia },
      }),
    )
    .delete('/:id', async (c) => {
      const id = c.req.param('id');
      if (!isUuid(id) || !(await xMedia.remove(c.var.user!.id, id)))
        throw problems.notFound('Media');
      return c.body(null, 204);
    });
}

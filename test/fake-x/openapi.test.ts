import { describe, expect, it, vi } from 'vitest';
import { startFakeX } from './index.ts';
import {
  createOpenApiValidator,
  loadXApiDocument,
  readPublishedXApiDocument,
  type OpenApiAnswer,
} from './openapi.ts';
import { grantTokens } from './test-support.ts';

const validator = createOpenApiValidator();
const dmPage = (body: unknown, over: Partial<OpenApiAnswer> = {}): OpenApiAnswer => ({
  method: 'GET',
  path: '/2/dm_events',
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body,
  ...over,
});
const goodPage = {
  data: [
    {
      id: '1900000000000000001',
      event_type: 'MessageCreate',
      text: 'hi',
      created_at: '2026-01-15T10:30:00.000Z',
    },
  ],
  meta: { result_count: 1, next_token: '1LAA581J5II7LA00' },
};

describe('the OpenAPI check', () => {
  it("passes an answer that matches X's document", () => {
    expect(validator.check(dmPage(goodPage))).toEqual([]);
    expect(validator.check(dmPage({ meta: { result_count: 0 } }))).toEqual([]);
    expect(
      validator.check({
        ...dmPage({ data: { id: '42', name: 'Me', username: 'me' } }),
        path: '/2/users/me',
      }),
    ).toEqual([]);
  });

  it('catches a wrong body, a wrong content type and an undocumented status', () => {
    expect(
      validator.check(
        dmPage({
          // eslint-disable-next-line no-loss-of-precision -- an id sent as a JSON number, precision lost, as X's docs warn
          data: [{ id: 1900000000000000001, event_type: 'MessageCreate' }],
          meta: { result_count: '1' },
        }),
      ),
    ).toEqual(['/data/0/id must be string', '/meta/result_count must be integer']);
    expect(
      validator.check(
        dmPage({ ...goodPage, data: [{ ...goodPage.data[0], created_at: 'yesterday' }] }),
      ),
    ).toEqual(['/data/0/created_at must match format "date-time"']);
    expect(validator.check(dmPage('<html>', { status: 401, contentType: 'text/html' }))).toEqual([
      'content-type text/html is not documented for 401 (application/json, application/problem+json)',
    ]);
    // A problem must be one of X's kinds.
    const problems = validator.check(
      dmPage(
        { title: 'Nope', type: 'https://example.com/nope' },
        { status: 400, contentType: 'application/problem+json' },
      ),
    );
    expect(problems).toContain('(body) must match exactly one schema in oneOf');
    // The legacy v1 error shape is what application/json errors must look like.
    expect(validator.check(dmPage({ error: 'x' }, { status: 400 }))).toContain(
      "(body) must have required property 'code'",
    );
  });

  it("accepts X's live deviations from its document, and only those", () => {
    const gateway = {
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
    };
    expect(
      validator.check(dmPage(gateway, { status: 429, contentType: 'application/problem+json' })),
    ).toEqual([]);
    const twitterSpelling = {
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
      errors: [],
    };
    expect(
      validator.check(
        dmPage(twitterSpelling, { status: 400, contentType: 'application/problem+json' }),
      ),
    ).toEqual([]);
    // The app refusals 2.167 no longer lists (client-forbidden, usage-capped) and the 402 no version has.
    const clientForbidden = {
      client_id: '27184917',
      detail: 'When authenticating requests…',
      registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
      title: 'Client Forbidden',
      required_enrollment: 'Appropriate Level of API Access',
      reason: 'client-not-enrolled',
      type: 'https://api.twitter.com/2/problems/client-forbidden',
    };
    const usageCapped = {
      account_id: 1573214908227416,
      product_name: 'standard-basic',
      title: 'UsageCapExceeded',
      period: 'Monthly',
      scope: 'Product',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
    };
    const creditsDepleted = {
      title: 'CreditsDepleted',
      detail:
        'Your enrolled account [1573214908227416064] does not have any credits to fulfill this request.',
      type: 'https://api.twitter.com/2/problems/credits',
    };
    const refusals: OpenApiAnswer[] = [
      dmPage(clientForbidden, { status: 403, contentType: 'application/problem+json' }),
      dmPage(usageCapped, { status: 429, contentType: 'application/problem+json' }),
      dmPage(creditsDepleted, { status: 402, contentType: 'application/json; charset=utf-8' }),
    ];
    for (const answer of refusals) expect(validator.check(answer)).toEqual([]);
    // …as they are: a reason or period X's earlier documents do not have is still refused
    expect(
      validator.check(
        dmPage(
          { ...clientForbidden, reason: 'whatever' },
          { status: 403, contentType: 'application/problem+json' },
        ),
      ),
    ).not.toEqual([]);
    expect(
      validator.check(
        dmPage(
          { ...usageCapped, period: 'Weekly' },
          { status: 429, contentType: 'application/problem+json' },
        ),
      ),
    ).not.toEqual([]);
    // Without the widening, the document itself refuses all of them.
    const strict = createOpenApiValidator(readPublishedXApiDocument());
    expect(
      strict.check(dmPage(gateway, { status: 429, contentType: 'application/problem+json' })),
    ).not.toEqual([]);
    expect(
      strict.check(
        dmPage(twitterSpelling, { status: 400, contentType: 'application/problem+json' }),
      ),
    ).not.toEqual([]);
    for (const answer of refusals) expect(strict.check(answer)).not.toEqual([]);
  });

  it("accepts the write side's deviations: both metric spellings, a processing error, unsupported-authentication", () => {
    const strict = createOpenApiValidator(readPublishedXApiDocument());
    const answer = (
      path: string,
      body: unknown,
      status = 200,
      contentType = 'application/json',
    ) => ({
      method: 'GET',
      path,
      status,
      contentType,
      body,
    });
    const metrics = {
      reply_count: 0,
      like_count: 1,
      quote_count: 0,
      bookmark_count: 0,
      impression_count: 9,
    };
    const legacyPost = answer('/2/tweets', {
      data: [{ id: '1', text: 't', public_metrics: { ...metrics, retweet_count: 2 } }],
    });
    const documentPost = answer('/2/tweets', {
      data: [{ id: '1', text: 't', public_metrics: { ...metrics, repost_count: 2 } }],
    });
    const neither = answer('/2/tweets', {
      data: [{ id: '1', text: 't', public_metrics: metrics }],
    });
    const legacyUser = answer('/2/users/me', {
      data: {
        id: '1',
        name: 'n',
        username: 'u',
        public_metrics: { followers_count: 0, following_count: 0, listed_count: 0, tweet_count: 3 },
      },
    });
    const failed = answer('/2/media/upload', {
      data: {
        id: '1',
        processing_info: {
          state: 'failed',
          progress_percent: 100,
          error: { code: 1, name: 'InvalidMedia', message: 'm' },
        },
      },
    });
    const appOnly = answer(
      '/2/tweets',
      {
        title: 'Unsupported Authentication',
        detail: 'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.',
        type: 'https://api.twitter.com/2/problems/unsupported-authentication',
        status: 403,
      },
      403,
      'application/problem+json',
    );
    for (const a of [legacyPost, documentPost, legacyUser, failed, appOnly])
      expect(validator.check(a)).toEqual([]);
    expect(validator.check(neither)).not.toEqual([]);
    for (const a of [legacyPost, legacyUser, failed, appOnly])
      expect(strict.check(a)).not.toEqual([]);
    expect(strict.check(documentPost)).toEqual([]);
  });

  it('leaves paths the document does not describe unchecked', () => {
    expect(validator.check({ ...dmPage({}), method: 'POST', path: '/2/oauth2/token' })).toBeNull();
    expect(validator.check({ ...dmPage({}), method: 'POST', path: '/2/dm_events' })).toBeNull();
  });

  it('makes a fake that broke the document fail reset() and close()', async () => {
    // A document that wants numeric event ids: every DM page the fake sends now breaks it.
    const document = loadXApiDocument();
    (document.components.schemas.DmEvent as { properties: Record<string, unknown> }).properties.id =
      { type: 'integer' };
    const fakeX = await startFakeX({ openApiValidator: createOpenApiValidator(document) });
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      fakeX.addAccount({ userId: '42', screenName: 'me', name: 'Me' });
      fakeX.dm.addEvents([
        { id: '1900000000000000001', senderId: '43', recipientId: '42', text: 'hi' },
      ]);
      const { accessToken } = await grantTokens(fakeX, { userId: '42' });
      const res = await fetch(`${fakeX.url}/2/dm_events`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(200); // the answer goes out as it is; the run fails on it below
      expect(fakeX.openApiViolations).toEqual([
        {
          method: 'GET',
          path: '/2/dm_events',
          status: 200,
          problems: ['/data/0/id must be integer'],
        },
      ]);
      expect(stderr).toHaveBeenCalledWith(
        expect.stringContaining('GET /2/dm_events → 200: /data/0/id must be integer'),
      );
      expect(() => fakeX.reset()).toThrow(
        /break X's OpenAPI document:\n {2}GET \/2\/dm_events → 200/,
      );
      expect(fakeX.openApiViolations).toEqual([]);

      await fetch(`${fakeX.url}/2/dm_events`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
    } finally {
      stderr.mockRestore();
    }
    await expect(fakeX.close()).rejects.toThrow('/data/0/id must be integer');
  });
});

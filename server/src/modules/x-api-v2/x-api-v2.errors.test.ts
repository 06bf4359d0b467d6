/**
 * X API v2 failures reduced to what Perch acts on: an app X refuses (client-forbidden, usage-capped, spent
 * credits) is its own kind, never a dead token or a 15-minute budget, and its detail (exact below) holds no id of X's.
 */
import { ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { toXApiError } from './x-api-v2.errors.ts';

const inFifteenMinutes = () => Math.ceil(Date.now() / 1000) + 900;
function answer(
  code: number,
  data: unknown,
  rateLimit?: { limit: number; remaining: number; reset: number },
) {
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data: data as never,
    headers: {},
    rateLimit,
    request: {} as never,
    response: {} as never,
  });
}
const classify = (error: unknown, tokenEndpoint = false) =>
  toXApiError(error, { timeoutMs: 10_000, tokenEndpoint });

const clientForbidden = {
  client_id: '27184917',
  detail:
    'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
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

describe('toXApiError', () => {
  it('403 client-forbidden: the app, not the token', () => {
    const failure = classify(answer(403, clientForbidden));
    expect(failure).toMatchObject({
      kind: 'client_forbidden',
      status: 403,
      problem: clientForbidden.type,
      detail:
        'X refuses the app: it is not attached to a Project (403 client-forbidden, client-not-enrolled)',
    });
    expect(
      classify(
        answer(403, { ...clientForbidden, type: 'https://api.x.com/2/problems/client-forbidden' }),
      ).kind,
    ).toBe('client_forbidden');
    // a 403 without it is still a refused token or scope
    expect(
      classify(
        answer(403, { title: 'Forbidden', detail: 'Forbidden', type: 'about:blank', status: 403 }),
      ).kind,
    ).toBe('unauthorized');
  });

  it('429 usage-capped: the cap, with no 15-minute resume read into the budget headers', () => {
    const failure = classify(
      answer(429, usageCapped, { limit: 15, remaining: 14, reset: inFifteenMinutes() }),
    );
    expect(failure).toMatchObject({
      kind: 'usage_capped',
      status: 429,
      usagePeriod: 'monthly',
      detail: 'X says the app has used its monthly X API cap (429 usage-capped)',
    });
    // the window X described stays what it was, not "nothing left until it resets"
    expect(failure.rateLimit).toMatchObject({ limit: 15, remaining: 14 });
    expect(classify(answer(429, { ...usageCapped, period: 'Daily' })).usagePeriod).toBe('daily');
    expect(
      classify(answer(429, { title: 'UsageCapExceeded', detail: 'Usage cap exceeded' })).kind,
    ).toBe('usage_capped');
    // a plain 429 stays a budget spent until its reset
    expect(
      classify(
        answer(429, {
          title: 'Too Many Requests',
          detail: 'Too Many Requests',
          type: 'about:blank',
          status: 429,
        }),
      ).kind,
    ).toBe('rate_limited');
  });

  it('402: spent prepaid credits, whatever the body says', () => {
    expect(classify(answer(402, creditsDepleted))).toMatchObject({
      kind: 'credits_depleted',
      status: 402,
      detail: 'X says the app’s prepaid credits are spent (402)',
    });
    expect(classify(answer(402, undefined)).kind).toBe('credits_depleted');
    expect(classify(answer(402, creditsDepleted), true).kind).toBe('credits_depleted'); // never a dead grant
  });
});

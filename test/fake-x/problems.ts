import type { FakeReply } from './replies.ts';

// API v2 answers. Success is application/json; failures are RFC 7807 problems. The ones X's gateway
// raises before the API service (bad token, missing scope, budget, outage) carry type about:blank.
const problemJson = 'application/problem+json';

export const v2Json = (status: number, body: unknown): FakeReply => ({
  status,
  body,
  contentType: 'application/json; charset=utf-8',
});

const gatewayProblem = (status: number, title: string): FakeReply => ({
  status,
  body: { title, detail: title, type: 'about:blank', status },
  contentType: problemJson,
});

export const unauthorized = () => gatewayProblem(401, 'Unauthorized');
export const forbidden = () => gatewayProblem(403, 'Forbidden');
export const tooManyRequests = () => gatewayProblem(429, 'Too Many Requests');
export const serviceUnavailable = () => gatewayProblem(503, 'Service Unavailable');

/** One rejected parameter, as X lists them in an invalid-request problem. */
export interface ParameterError {
  parameters: Record<string, string[]>;
  message: string;
}

export const invalidRequest = (errors: ParameterError[]): FakeReply => ({
  status: 400,
  body: {
    errors,
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  },
  contentType: problemJson,
});

// What X answers an app X will not serve, or will not serve any more this month, or whose prepaid
// credits are spent. These come from the API service with X's own problem types under
// https://api.twitter.com/2/problems/… (the document's enums spell api.x.com; openapi.ts accepts both).
// 2.167 no longer lists client-forbidden and usage-capped, and no version of the document has the 402
// (openapi.ts, known deviation 3). `appId` is the app's numeric id, `accountId` its developer account's.

/**
 * 403: the app is not attached to a Project (or the Project's access level does not include the
 * endpoint). X's body as clients log it, e.g. {"client_id":"12262375","detail":"When authenticating
 * requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App
 * that is attached to a Project. You can create a project via the developer portal.",
 * "registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden",
 * "required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled",
 * "type":"https://api.twitter.com/2/problems/client-forbidden"}.
 */
export const clientForbidden = (appId: string): FakeReply => ({
  status: 403,
  body: {
    client_id: appId,
    detail:
      'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
    registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
    title: 'Client Forbidden',
    required_enrollment: 'Appropriate Level of API Access',
    reason: 'client-not-enrolled',
    type: 'https://api.twitter.com/2/problems/client-forbidden',
  },
  contentType: problemJson,
});

/**
 * 429 with X's usage-capped type: the Project's monthly cap is used up. Unlike the gateway's 429 this
 * does not end with the 15-minute window; X says when neither here nor in a header. As clients log
 * it: {"account_id":…,"product_name":"standard-basic","title":"UsageCapExceeded","period":"Monthly",
 * "scope":"Product","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped"}.
 * Sent as text, so the 19-digit account_id goes out as X writes it (a number).
 */
export const usageCapped = (accountId: string): FakeReply => ({
  status: 429,
  body: `{"account_id":${accountId},"product_name":"standard-basic","title":"UsageCapExceeded","period":"Monthly","scope":"Product","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped"}`,
  contentType: problemJson,
});

/**
 * 402: a pay-per-use account whose prepaid credits are spent (x-write-side.md, "Limits, errors,
 * prices"). No version of X's document has it. tryethernal/ethernal#1324 logs twitter-api-v2's
 * ApiResponseError for it without the body: code 402, content-type application/json; charset=utf-8,
 * content-length 185, which is the length of this body with a 19-digit account id. The title
 * CreditsDepleted, the type …/problems/credits and "Your enrolled account … does not have any
 * credits" are what clients' code matches on.
 */
export const creditsDepleted = (accountId: string): FakeReply => ({
  status: 402,
  body: {
    title: 'CreditsDepleted',
    detail: `Your enrolled account [${accountId}] does not have any credits to fulfill this request.`,
    type: 'https://api.twitter.com/2/problems/credits',
  },
  contentType: 'application/json; charset=utf-8',
});

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

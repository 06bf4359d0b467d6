import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deviceToken,
  problem,
  startFakePerch,
  unreachableOrigin,
  type FakePerch,
} from '../test-utils/fake-perch-server';
import { ApiError, createApiClient } from './api-client';

describe('api-client against a real HTTP server', () => {
  let server: FakePerch;
  beforeEach(async () => {
    server = await startFakePerch();
  });
  afterEach(() => server.close());

  it('PUTs the pair with the bearer token and parses the ConnectionStatus', async () => {
    const api = createApiClient({ serverUrl: server.url, deviceToken });
    const status = await api.putCookies({ authToken: 'a1', ct0: 'c1' });
    expect(status).toMatchObject({ state: 'connected', handle: 'jack', retryAt: null });
    expect(server.requests[0]).toEqual({
      method: 'PUT',
      path: '/api/v1/x/cookies',
      authorization: `Bearer ${deviceToken}`,
      body: { authToken: 'a1', ct0: 'c1' },
    });
  });

  it('redeems a pairing code without auth', async () => {
    const api = createApiClient({ serverUrl: `${server.url}/some/path` });
    const token = await api.redeemPairingCode({ code: 'ABCD2345', deviceName: 'Chrome on Linux' });
    expect(token.deviceToken).toBe(deviceToken);
    expect(server.requests[0]).toMatchObject({ path: '/api/v1/devices', authorization: undefined });
  });

  it('turns problem+json into a plain sentence', async () => {
    const api = createApiClient({ serverUrl: server.url });
    const error = await api.redeemPairingCode({ code: 'WXYZ2345' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: 'http',
      status: 400,
      code: 'pairing.invalid_code',
      message: 'That pairing code is not valid or was already used.',
    });
  });

  it('falls back to the problem title, and ends it with a full stop', async () => {
    server.override('GET /api/v1/x/status', () => problem(503, 'Database unavailable'));
    const error = await createApiClient({ serverUrl: server.url, deviceToken })
      .getStatus()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', status: 503, message: 'Database unavailable.' });
  });

  it('marks 401 as unauthorized, with the code', async () => {
    server.revoke();
    const error = await createApiClient({ serverUrl: server.url, deviceToken })
      .deleteCookies()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unauthorized', status: 401, code: 'device.revoked' });
  });

  it('rejects an answer that is not a Perch answer', async () => {
    server.override('GET /api/v1/x/status', () => ({ status: 200, body: { hello: 'world' } }));
    const error = await createApiClient({ serverUrl: server.url, deviceToken })
      .getStatus()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid_response' });
  });

  it('reports a hung server as unreachable after the timeout', async () => {
    server.override('GET /api/v1/x/status', () => ({ status: 200, hang: true }));
    const api = createApiClient({ serverUrl: server.url, deviceToken, timeoutMs: 100 });
    const error = await api.getStatus().catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'unreachable',
      message: `The Perch server at ${server.url} did not answer in time.`,
    });
  });
});

it('reports a closed port as "server unreachable"', async () => {
  const origin = await unreachableOrigin();
  const error = await createApiClient({ serverUrl: origin, deviceToken })
    .getStatus()
    .catch((e: unknown) => e);
  expect(error).toMatchObject({
    kind: 'unreachable',
    message: `Could not reach the Perch server at ${origin}.`,
  });
});

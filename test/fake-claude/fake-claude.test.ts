import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeClaude, type FakeClaude } from './index.ts';

let fakeClaude: FakeClaude;
beforeAll(async () => {
  fakeClaude = await startFakeClaude({ apiKey: 'sk-ant-test-key' });
});
beforeEach(() => fakeClaude.reset());
afterAll(() => fakeClaude.close());

const body = {
  model: 'claude-test',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hello' }],
};
const post = (headers: Record<string, string>, payload: unknown = body) =>
  fetch(`${fakeClaude.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
const valid = { 'x-api-key': 'sk-ant-test-key', 'anthropic-version': '2023-06-01' };

describe('fake Claude', () => {
  it('answers a wrong or missing key with 401 authentication_error, as Anthropic does', async () => {
    for (const headers of [
      { ...valid, 'x-api-key': 'sk-ant-wrong' },
      { 'anthropic-version': '2023-06-01' },
    ]) {
      const res = await post(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('request-id')).toMatch(/^req_/);
      expect(await res.json()).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error', message: expect.any(String) },
      });
    }
    expect(fakeClaude.requests.map((r) => [r.apiKeyHeader, r.apiKeyValid])).toEqual([
      ['x-api-key', false],
      [null, false],
    ]);
    expect(JSON.stringify(fakeClaude.requests)).not.toContain('sk-ant-wrong');
  });

  it('takes the key as x-api-key or as a bearer token, as Anthropic does since API version 2026-10-21', async () => {
    const bearer = await post({
      authorization: 'Bearer sk-ant-test-key',
      'anthropic-version': '2026-10-21',
    });
    expect(bearer.status).toBe(200);
    const wrongBearer = await post({
      authorization: 'Bearer sk-ant-other',
      'anthropic-version': '2026-10-21',
    });
    expect(wrongBearer.status).toBe(401);
    expect(fakeClaude.requests.map((r) => [r.apiKeyHeader, r.apiKeyValid])).toEqual([
      ['authorization', true],
      ['authorization', false],
    ]);
  });

  it('requires anthropic-version and a model, max_tokens and messages; 2026-10-21 refuses temperature', async () => {
    const noVersion = await post({ 'x-api-key': 'sk-ant-test-key' });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
    const noModel = await post(valid, { ...body, model: undefined });
    expect(noModel.status).toBe(400);
    expect((await noModel.json()).error.message).toMatch(/^model/);
    expect(
      (await post({ ...valid, 'anthropic-version': '2026-10-21' }, { ...body, temperature: 0 }))
        .status,
    ).toBe(400);
    expect((await post(valid, { ...body, temperature: 0 })).status).toBe(200);
  });

  it('returns a Messages API answer with the scripted content and records the request', async () => {
    fakeClaude.script((request) => [
      { type: 'tool_use', id: 'toolu_01', name: 'answer', input: { echoed: request.model } },
    ]);
    const res = await post(valid);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [
        { type: 'tool_use', id: 'toolu_01', name: 'answer', input: { echoed: 'claude-test' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
    expect(fakeClaude.requests).toEqual([
      {
        method: 'POST',
        path: '/v1/messages',
        status: 200,
        anthropicVersion: '2023-06-01',
        apiKeyHeader: 'x-api-key',
        apiKeyValid: true,
        body,
      },
    ]);
  });

  it('fails like Anthropic when told to: overloaded, server error, rate limit with retry-after', async () => {
    fakeClaude.fail(529);
    const overloaded = await post(valid);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ error: { type: 'overloaded_error' } });
    fakeClaude.fail(429);
    const limited = await post(valid);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
    fakeClaude.fail(500);
    expect(await (await post(valid)).json()).toMatchObject({ error: { type: 'api_error' } });
    fakeClaude.reset();
    expect((await post(valid)).status).toBe(200);
  });
});

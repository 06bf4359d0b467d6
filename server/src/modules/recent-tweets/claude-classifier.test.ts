/**
 * The Claude classifier through the official SDK against test/fake-claude, which answers as Anthropic's
 * Messages API does.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startFakeClaude,
  type FakeClaude,
  type FakeClaudeRequestBody,
} from '../../../../test/fake-claude/index.ts';
import { createLogger } from '../../lib/logger.ts';
import { createClaudeClassifier } from './claude-classifier.ts';
import { localClassifier } from './local-classifier.ts';

let fakeClaude: FakeClaude;
let logLines: string[];
beforeAll(async () => {
  fakeClaude = await startFakeClaude();
});
beforeEach(() => {
  fakeClaude.reset();
  logLines = [];
});
afterAll(() => fakeClaude.close());

const model = 'claude-test-model';
const classifier = (apiKey = fakeClaude.apiKey) =>
  createClaudeClassifier({
    apiKey,
    baseUrl: fakeClaude.url,
    model,
    fallback: localClassifier,
    logger: createLogger({
      level: 'debug',
      destination: new Writable({
        write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()),
      }),
    }),
  });

// The local rules call the first a product launch and the second nothing; Claude is scripted to disagree.
const tweets = [
  { id: '1900000000000000101', text: 'Introducing our new podcast, episode one is out now' },
  { id: '1900000000000000102', text: 'Tomorrow I start at a place I have admired for years.' },
];
const toolAnswer = (results: unknown) => (body: FakeClaudeRequestBody) => [
  { type: 'tool_use' as const, id: 'toolu_01', name: body.tools![0]!.name, input: { results } },
];

describe('Claude classifier', () => {
  it('asks Claude once for the whole batch, with the model and a forced tool, and uses its answer', async () => {
    fakeClaude.script(
      toolAnswer([
        { tweet_id: tweets[0]!.id, event: 'none', confidence: 0.8 },
        { tweet_id: tweets[1]!.id, event: 'job_change', confidence: 0.93 },
      ]),
    );
    const verdicts = await classifier().classify(tweets);
    expect(verdicts).toEqual([
      {
        tweetId: tweets[0]!.id,
        eventClass: 'none',
        confidence: 0.8,
        classifier: `claude:${model}`,
      },
      {
        tweetId: tweets[1]!.id,
        eventClass: 'job_change',
        confidence: 0.93,
        classifier: `claude:${model}`,
      },
    ]);
    expect((await localClassifier.classify(tweets)).map((v) => v.eventClass)).toEqual([
      'product_launch',
      'none',
    ]);

    expect(fakeClaude.requests).toHaveLength(1);
    const [request] = fakeClaude.requests;
    expect(request).toMatchObject({
      path: '/v1/messages',
      apiKeyValid: true,
      anthropicVersion: '2026-10-21',
    });
    const body = request!.body!;
    expect(body.model).toBe(model);
    expect(body.tool_choice).toEqual({ type: 'tool', name: body.tools![0]!.name });
    expect(body.tools![0]!.input_schema).toMatchObject({ type: 'object', required: ['results'] });
    expect(JSON.parse(String(body.messages[0]!.content))).toEqual({ tweets });
    expect(logLines.join('')).not.toContain(fakeClaude.apiKey);
  });

  it('asks nothing for no tweets', async () => {
    expect(await classifier().classify([])).toEqual([]);
    expect(fakeClaude.requests).toHaveLength(0);
  });

  it('a wrong key falls back to the local rules, with a log line that names the error and not the key', async () => {
    const wrongKey = 'sk-ant-wrong-key-0123456789abcdef';
    const verdicts = await classifier(wrongKey).classify(tweets);
    expect(verdicts).toEqual(await localClassifier.classify(tweets));
    expect(fakeClaude.requests.map((r) => r.status)).toEqual([401]);
    const line = logLines.find((l) => l.includes('claude classification failed'));
    expect(JSON.parse(line!)).toMatchObject({
      provider: 'anthropic',
      model,
      status: 401,
      errorType: 'authentication_error',
      errorClass: 'AuthenticationError',
    });
    expect(logLines.join('')).not.toContain(wrongKey);
  });

  it('an answer that does not fit the schema falls back for the batch', async () => {
    fakeClaude.script(toolAnswer([{ tweet_id: tweets[0]!.id, event: 'wedding', confidence: 2 }]));
    expect(await classifier().classify(tweets)).toEqual(await localClassifier.classify(tweets));
    fakeClaude.script(() => [{ type: 'text', text: 'I think the first one is a launch.' }]);
    expect(await classifier().classify(tweets)).toEqual(await localClassifier.classify(tweets));
    expect(logLines.filter((l) => l.includes('could not read'))).toHaveLength(2);
  });

  it('a tweet the answer left out is classified locally; the others keep Claude’s verdict', async () => {
    fakeClaude.script(
      toolAnswer([
        { tweet_id: tweets[1]!.id, event: 'job_change', confidence: 0.9 },
        { tweet_id: '42', event: 'milestone', confidence: 1 },
      ]),
    );
    const verdicts = await classifier().classify(tweets);
    expect(verdicts.map((v) => [v.tweetId, v.eventClass, v.classifier])).toEqual([
      [tweets[0]!.id, 'product_launch', 'local'],
      [tweets[1]!.id, 'job_change', `claude:${model}`],
    ]);
  });

  it('Claude overloaded: retried once by the SDK, then the local rules', async () => {
    fakeClaude.fail(529);
    expect(await classifier().classify(tweets)).toEqual(await localClassifier.classify(tweets));
    expect(fakeClaude.requests.map((r) => r.status)).toEqual([529, 529]);
    expect(logLines.some((l) => l.includes('"errorType":"overloaded_error"'))).toBe(true);
  });
});

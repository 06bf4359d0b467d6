/**
 * A Claude (Anthropic Messages API) stand-in for offline tests: POST /v1/messages with Anthropic's header rules
 * (the key as x-api-key or a bearer token, anthropic-version required), error bodies and answer shape; the content of each answer is scripted by the
 * test, and every request is recorded (without the key). Point the SDK's baseURL at `url`.
 *
 * @example
 * const fakeClaude = await startFakeClaude();
 * fakeClaude.script((body) => [{ type: 'tool_use', id: 'toolu_1', name: body.tools![0]!.name, input: { results: [] } }]);
 * fakeClaude.fail(529); // overloaded until the next script() or reset()
 */
export { startFakeClaude } from './server.ts';
export type {
  FakeClaude,
  FakeClaudeContent,
  FakeClaudeRequest,
  FakeClaudeRequestBody,
  FakeClaudeScript,
  StartFakeClaudeOptions,
} from './types.ts';

/** A content block of a Messages API answer, as Claude sends it. */
export type FakeClaudeContent =
  { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

/** The part of a POST /v1/messages body the fake reads; everything else is kept as sent. */
export interface FakeClaudeRequestBody {
  model: string;
  max_tokens: number;
  messages: Array<{ role: 'user' | 'assistant'; content: unknown }>;
  system?: unknown;
  tools?: Array<{ name: string; input_schema?: unknown; [key: string]: unknown }>;
  tool_choice?: unknown;
  [key: string]: unknown;
}

/** One request the fake saw. The API key itself is not kept, only whether it was the right one. */
export interface FakeClaudeRequest {
  method: string;
  path: string;
  status: number;
  anthropicVersion: string | null;
  /** Where the key came: x-api-key, or `authorization: Bearer` (Anthropic's SDKs since API version 2026-10-21). */
  apiKeyHeader: 'x-api-key' | 'authorization' | null;
  apiKeyValid: boolean;
  /** The parsed JSON body, or null when it was not JSON. */
  body: FakeClaudeRequestBody | null;
}

/**
 * How the fake answers a valid request, until the next script/fail/reset:
 * - a script: 200 with the content blocks it returns (stop_reason tool_use when one is a tool_use)
 * - fail(status): Anthropic's error answer for that status (429 rate_limit_error with retry-after,
 *   500 api_error, 529 overloaded_error, else invalid_request_error)
 */
export type FakeClaudeScript = (body: FakeClaudeRequestBody) => FakeClaudeContent[];

export interface FakeClaude {
  url: string;
  port: number;
  /** The only API key it accepts (as x-api-key or a bearer token); any other answers 401 authentication_error. */
  apiKey: string;
  /** Every request since start or the last reset, oldest first. */
  requests: FakeClaudeRequest[];
  script(answer: FakeClaudeScript): void;
  fail(status: number): void;
  /** No requests, no failure, and the default script (one empty text block). */
  reset(): void;
  close(): Promise<void>;
}

export interface StartFakeClaudeOptions {
  apiKey?: string;
  port?: number;
  host?: string;
}

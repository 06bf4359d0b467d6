import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FakeClaude,
  FakeClaudeContent,
  FakeClaudeRequest,
  FakeClaudeRequestBody,
  FakeClaudeScript,
  StartFakeClaudeOptions,
} from './types.ts';
import { listen } from '../lib/listen.ts';

const defaultScript: FakeClaudeScript = () => [{ type: 'text', text: '' }];

// Anthropic's error types by status (platform docs, "Errors").
const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const requestId = () => `req_${randomBytes(12).toString('hex')}`;

/** Starts a Claude (Messages API) stand-in on a local port (0 = any free port). */
export function startFakeClaude({
  apiKey = `sk-ant-fake-${randomBytes(16).toString('hex')}`,
  port = 0,
  host = '127.0.0.1',
}: StartFakeClaudeOptions = {}): Promise<FakeClaude> {
  const requests: FakeClaudeRequest[] = [];
  let script = defaultScript;
  let failure: number | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake-claude.invalid');
    const raw = await readBody(req);
    const body = parseJson(raw);
    const entry: FakeClaudeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      anthropicVersion: header(req, 'anthropic-version'),
      apiKeyHeader: header(req, 'x-api-key') ? 'x-api-key' : bearer(req) ? 'authorization' : null,
      apiKeyValid: (header(req, 'x-api-key') ?? bearer(req)) === apiKey,
      body: body as FakeClaudeRequestBody | null,
    };
    requests.push(entry);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': requestId(),
        ...headers,
      });
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, message: string, headers: Record<string, string> = {}) =>
      reply(
        status,
        {
          type: 'error',
          error: { type: errorTypes[status] ?? 'invalid_request_error', message },
          request_id: requestId(),
        },
        headers,
      );

    if (req.method !== 'POST' || url.pathname !== '/v1/messages') return error(404, 'Not found');
    if (!entry.apiKeyHeader) return error(401, 'x-api-key header is required');
    if (!entry.apiKeyValid) return error(401, 'invalid x-api-key');
    if (!entry.anthropicVersion) return error(400, 'anthropic-version: header is required');
    const problem = invalid(body, entry.anthropicVersion);
    if (problem) return error(400, problem);
    if (failure !== null) {
      return error(
        failure,
        failure === 529
          ? 'Overloaded'
          : failure === 500
            ? 'Internal server error'
            : 'Request failed',
        failure === 429 ? { 'retry-after': '1' } : {},
      );
    }

    const request = body as FakeClaudeRequestBody;
    const content: FakeClaudeContent[] = script(request);
    reply(200, {
      id: `msg_${randomBytes(12).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model: request.model,
      content,
      stop_reason: content.some((c) => c.type === 'tool_use') ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: Math.ceil(raw.length / 4),
        output_tokens: Math.ceil(JSON.stringify(content).length / 4),
      },
    });
  }

  return listen(handle, { port, host }).then((listening) => ({
    url: listening.url,
    port: listening.port,
    apiKey,
    requests,
    script(answer) {
      script = answer;
      failure = null;
    },
    fail(status) {
      failure = status;
    },
    reset() {
      requests.length = 0;
      script = defaultScript;
      failure = null;
    },
    close: listening.close,
  }));
}

/** What Anthropic's API checks first about a Messages request, in the words it uses. */
function invalid(body: unknown, version: string): string | null {
  if (body === null || typeof body !== 'object') return 'The request body is not valid JSON.';
  const b = body as Partial<FakeClaudeRequestBody>;
  if (typeof b.model !== 'string' || b.model === '') return 'model: Field required';
  if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1)
    return 'max_tokens: Field required';
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    return 'messages: at least one message is required';
  // API version 2026-10-21 removed the sampling parameters
  for (const removed of ['temperature', 'top_p', 'top_k']) {
    if (version >= '2026-10-21' && removed in b)
      return `${removed}: Extra inputs are not permitted`;
  }
  return null;
}

/** Anthropic takes the key as x-api-key or, as its SDKs send it since API version 2026-10-21, a bearer token. */
function bearer(req: IncomingMessage): string | null {
  return /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1] ?? null;
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

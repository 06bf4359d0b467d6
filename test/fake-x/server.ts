import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccountStore } from './accounts.ts';
import { answer, graphqlOperation, parseCookies, type FakeXState } from './answer.ts';
import { readVariables } from './graphql.ts';
import { createRateLimits, defaultRateLimitResetAt } from './rate-limits.ts';
import { createTweetStore } from './tweets.ts';
import type { FakeReply } from './replies.ts';
import type { FakeX, FakeXMode, FakeXModeOptions, FakeXRequest, StartFakeXOptions } from './types.ts';

const defaultSlowDelayMs = 5000;

/** Starts an X emulator on a local port (0 = any free port). Nothing is shared between instances. */
export function startFakeX({ port = 0, host = '127.0.0.1' }: StartFakeXOptions = {}): Promise<FakeX> {
  const accounts = createAccountStore();
  const state: FakeXState = { accounts, tweets: createTweetStore(accounts), mode: 'ok', resetAt: new Date() };
  let delayMs = defaultSlowDelayMs;
  // The index in `requests` from which state.mode applies; earlier requests are answered normally.
  let modeFrom = 0;
  const requests: FakeXRequest[] = [];
  const rateLimits = createRateLimits();
  const pendingDelays = new Set<() => void>();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake-x.invalid');
    const entry: FakeXRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      operation: graphqlOperation(url.pathname),
      status: 0,
      at: Date.now(),
      variables: graphqlOperation(url.pathname) === null ? {} : readVariables(url),
    };
    const mode = requests.length >= modeFrom ? state.mode : 'ok';
    requests.push(entry);
    req.resume(); // bodies are not needed; drain them so the socket stays usable

    if (mode === 'unreachable') {
      req.socket.destroy();
      return;
    }
    if (mode === 'slow') await delay(delayMs, req, pendingDelays);
    if (res.destroyed || req.socket.destroyed) return; // the client gave up (or close() ran)

    const reply = answer(url, req.headers, state, mode);
    const caller = parseCookies(req.headers.cookie).auth_token ?? 'guest';
    const key = `${caller} ${entry.operation ?? url.pathname}`;
    entry.status = reply.status;
    write(res, reply, { ...rateLimits.count(key, Date.now()), ...reply.headers });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actualPort = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
        port: actualPort,
        requests,
        addAccount: (account) => state.accounts.add(account),
        addTweets: (tweets) => state.tweets.add(tweets),
        setMode(mode: FakeXMode, opts: FakeXModeOptions = {}) {
          state.mode = mode;
          state.resetAt = opts.resetAt ?? defaultRateLimitResetAt(Date.now());
          delayMs = opts.delayMs ?? defaultSlowDelayMs;
          modeFrom = requests.length + (opts.afterRequests ?? 0);
        },
        // Stubs until the OAuth and DM endpoints land.
        oauth: {
          addClient: () => {},
          setConsent: () => {},
          setAccessTokenLifetime: () => {},
          revokeUser: () => {},
          tokenRequests: [],
        },
        dm: { addEvents: () => {}, setBudget: () => {} },
        reset() {
          state.mode = 'ok';
          delayMs = defaultSlowDelayMs;
          requests.length = 0;
          modeFrom = 0;
          rateLimits.clear();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const cancel of pendingDelays) cancel();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function write(res: ServerResponse, reply: FakeReply, headers: Record<string, string>) {
  const isText = typeof reply.body === 'string';
  const contentType =
    reply.contentType ?? (isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  res.writeHead(reply.status, { 'content-type': contentType, ...headers });
  res.end(isText ? reply.body : JSON.stringify(reply.body));
}

/** Waits, but stops early when the client hangs up or the fake closes, so no timer outlives a test. */
function delay(ms: number, req: IncomingMessage, pending: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      req.socket.off('close', finish);
      pending.delete(finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    req.socket.once('close', finish);
    pending.add(finish);
  });
}

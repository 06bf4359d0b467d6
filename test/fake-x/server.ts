import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAccountStore } from './accounts.ts';
import { answerImage, isImagePath } from './images.ts';
import { answer, graphqlOperation, parseCookies, type FakeXState } from './answer.ts';
import { createWebClientFiles, isWebClientPath } from './bundles.ts';
import { createCookieBudgets, isBudgetedOperation } from './cookie-budgets.ts';
import { answerApiV2, isOAuthOrApiV2 } from './api-v2.ts';
import { serviceUnavailable } from './problems.ts';
import { createBudgets, type Budget } from './budgets.ts';
import { createDmStore } from './dm.ts';
import { readVariables } from './graphql.ts';
import { createMediaStore } from './media.ts';
import { createOAuthStore, knownScopes, type Bearer } from './oauth.ts';
import { createOAuth1Store } from './oauth1.ts';
import { setMediaKeyLookup } from './post-reads.ts';
import { createPostStore } from './posts.ts';
import { answerWrite, isWriteRoute, type WriteState } from './write-api.ts';
import { createWriteFaults } from './write-faults.ts';
import { createWriteLimits, type FakeXWriteEndpoint } from './write-limits.ts';
import { xApiValidator, type OpenApiViolation } from './openapi.ts';
import { createRateLimits, defaultRateLimitResetAt } from './rate-limits.ts';
import { createTweetStore } from './tweets.ts';
import type { FakeReply } from './replies.ts';
import type {
  FakeX,
  FakeXMode,
  FakeXModeOptions,
  FakeXRequest,
  FakeXTweet,
  StartFakeXOptions,
} from './types.ts';
import { createWebClient } from './web-client.ts';
import { listen } from '../lib/listen.ts';

const defaultSlowDelayMs = 5000;
// Whether a fake plays the real X unless told otherwise (README.md "Strict mode"). false until Perch's
// server copes with the real X; then flip it here.
const defaultStrict = true;
// X's budget for each DM lookup endpoint: 15 requests per user per 15 minutes.
const defaultDmBudget: Budget = { limit: 15, windowSeconds: 15 * 60 };

/** Starts an X emulator on a local port (0 = any free port). Nothing is shared between instances. */
export function startFakeX({
  port = 0,
  host = '127.0.0.1',
  openApiValidator,
  strict = defaultStrict,
  now = Date.now,
  queryIds,
}: StartFakeXOptions = {}): Promise<FakeX> {
  const accounts = createAccountStore();
  const oauth = createOAuthStore(accounts);
  const dms = createDmStore();
  const budgets = createBudgets();
  let dmBudget = defaultDmBudget;
  const openApiViolations: OpenApiViolation[] = [];
  const client = createWebClient(queryIds);
  const webClientFiles = createWebClientFiles(client);
  const state: FakeXState = {
    accounts,
    tweets: createTweetStore(accounts),
    mode: 'ok',
    resetAt: new Date(now()),
    strict,
    client,
    budgets: createCookieBudgets(),
    promoted: null,
    now,
  };
  let delayMs = defaultSlowDelayMs;
  // Requests to X's API and signed-in pages (not the image host, the web client's pages or bundles)
  // so far, and from which of them state.mode applies; earlier ones are answered normally.
  let xRequests = 0;
  let modeFrom = 0;
  const requests: FakeXRequest[] = [];
  const rateLimits = createRateLimits();
  const pendingDelays = new Set<() => void>();
  const oauth1 = createOAuth1Store();
  const media = createMediaStore();
  const posts = createPostStore();
  setMediaKeyLookup((id) => media.get(id)?.mediaKey);
  const writeState: WriteState = {
    accounts,
    oauth,
    oauth1,
    posts,
    media,
    limits: createWriteLimits(),
    faults: createWriteFaults(),
    counts: new Map<FakeXWriteEndpoint, number>(),
    subscriptionOf: (userId) => accounts.byUserId(userId)?.subscriptionType ?? 'None',
  };
  const allScopes = new Set(knownScopes);
  /** OAuth 1.0a on the API v2 lookups (/2/users/me…): a signed request acts with every scope. */
  const userContextOf =
    (method: string, url: URL) =>
    (headers: IncomingMessage['headers']): Bearer | 'bad' | undefined => {
      const signed = oauth1.verify({ method, url, headers, now: now() });
      if (signed === 'none') return undefined;
      if (signed === 'bad') return 'bad';
      return { userId: signed.userId, scopes: allScopes, clientId: signed.consumerKey };
    };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake-x.invalid');
    const operation = graphqlOperation(url.pathname);
    const entry: FakeXRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      operation,
      status: 0,
      at: now(),
      variables: operation === null ? {} : readVariables(url),
      query: Object.fromEntries(url.searchParams),
    };
    // The image host and the web client's pages and bundles are static: no cookies, no budgets, and
    // they do not count towards afterRequests.
    const isWebClient = entry.method === 'GET' && isWebClientPath(url.pathname);
    const isStatic = isImagePath(url.pathname) || isWebClient;
    const mode = xRequests >= modeFrom ? state.mode : 'ok';
    if (!isStatic) xRequests++;
    requests.push(entry);
    const isV2 = isOAuthOrApiV2(url.pathname);
    if (isWriteRoute(entry.method, url.pathname)) {
      await handleWrite(req, res, url, entry, mode);
      return;
    }
    // The OAuth endpoints and GraphQL POSTs (SearchTimeline's features) read a body; the rest is
    // drained so the socket stays usable.
    let body = '';
    if ((isV2 || operation !== null) && req.method === 'POST') body = await readBody(req);
    else req.resume();
    const graphqlBody = operation !== null ? parseJson(body) : undefined;
    if (operation !== null) entry.variables = readVariables(url, graphqlBody);

    if (mode === 'unreachable') {
      req.socket.destroy();
      return;
    }
    if (mode === 'slow') await delay(delayMs, req, pendingDelays);
    if (res.destroyed || req.socket.destroyed) return; // the client gave up (or close() ran)

    if (isWebClient) {
      const file = webClientFiles.answer(url.pathname);
      entry.status = file.status;
      write(res, file, {});
      return;
    }
    if (isImagePath(url.pathname)) {
      const image = answerImage(url.pathname, state.accounts);
      entry.status = image.status;
      write(res, image, image.headers ?? {});
      return;
    }
    if (isV2) {
      const reply = answerApiV2(
        {
          method: entry.method,
          url,
          headers: req.headers,
          params: parseParams(body, req.headers['content-type']),
          now: Date.now(),
        },
        {
          accounts,
          dms,
          oauth,
          budgets,
          dmBudget,
          mode,
          resetAt: state.resetAt,
          userContext: userContextOf(entry.method, url),
          userExtras: (userId) => ({
            spelling: posts.spelling,
            postCount: posts.all(userId).length,
          }),
        },
      );
      entry.status = reply.status;
      const sent = write(res, reply, reply.headers ?? {});
      checkAgainstOpenApi(entry, sent);
      return;
    }
    const reply = answer({ url, headers: req.headers, body: graphqlBody }, state, mode);
    const caller = parseCookies(req.headers.cookie).auth_token ?? 'guest';
    const key = `${caller} ${entry.operation ?? url.pathname}`;
    entry.status = reply.status;
    if (reply.served?.search) entry.search = reply.served.search;
    if (reply.served?.tweetIds) entry.tweetIds = reply.served.tweetIds;
    // Strict budgets put their own headers on the reply; everything else reports honest, unenforced ones.
    write(res, reply, { ...rateLimits.count(key, now()), ...reply.headers });
  }

  async function handleWrite(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: FakeXRequest,
    mode: FakeXMode,
  ) {
    const body = await readLimitedBody(req, media.chunkLimitBytes);
    if (mode === 'unreachable') {
      req.socket.destroy();
      return;
    }
    if (mode === 'slow') await delay(delayMs, req, pendingDelays);
    if (res.destroyed || req.socket.destroyed) return;
    if (body === 'too large') {
      // X's edge refuses a body over its limit before the API sees it: 413 with nothing in it
      // (trypostit/trypost#31). Not an API answer, so not held to the document.
      entry.status = 413;
      res.writeHead(413, { 'content-length': '0', connection: 'close' });
      res.end();
      return;
    }
    if (mode === 'server_error') {
      const sent = write(res, serviceUnavailable(), {});
      entry.status = 503;
      checkAgainstOpenApi(entry, sent);
      return;
    }
    const outcome = answerWrite(
      { method: entry.method, url, headers: req.headers, body, now: now() },
      writeState,
    );
    if ('drop' in outcome) {
      req.socket.destroy();
      return;
    }
    if ('holdMs' in outcome) {
      await delay(outcome.holdMs, req, pendingDelays);
      if (res.destroyed || req.socket.destroyed) return;
    }
    entry.status = outcome.reply.status;
    const sent = write(res, outcome.reply, outcome.reply.headers ?? {});
    checkAgainstOpenApi(entry, sent);
  }

  function checkAgainstOpenApi(entry: FakeXRequest, sent: { contentType: string; text: string }) {
    let body: unknown;
    try {
      body = sent.text === '' ? undefined : JSON.parse(sent.text);
    } catch {
      body = sent.text;
    }
    const validator = openApiValidator ?? xApiValidator();
    const problems = validator.check({ ...entry, contentType: sent.contentType, body });
    if (!problems || problems.length === 0) return;
    const violation = { method: entry.method, path: entry.path, status: entry.status, problems };
    openApiViolations.push(violation);
    console.error(
      `fake X: this answer breaks X's OpenAPI document\n${describeViolation(violation)}`,
    );
  }

  function takeViolations(): Error | undefined {
    if (openApiViolations.length === 0) return undefined;
    const message = openApiViolations.map(describeViolation).join('\n');
    openApiViolations.length = 0;
    return new Error(`fake X sent answers that break X's OpenAPI document:\n${message}`);
  }

  return listen(handle, { port, host }).then((listening) => ({
    url: listening.url,
    port: listening.port,
    requests,
    addAccount: (account) => state.accounts.add(account),
    addTweets: (tweets) => state.tweets.add(tweets),
    oauth: {
      addClient: (client) => oauth.addClient(client),
      setConsent: (consent) => oauth.setConsent(consent),
      setAccessTokenLifetime: (seconds) => oauth.setAccessTokenLifetime(seconds),
      setAuthorizationCodeLifetime: (seconds) => oauth.setAuthorizationCodeLifetime(seconds),
      revokeUser: (userId) => oauth.revokeUser(userId),
      tokenRequests: oauth.tokenRequests,
    },
    dm: {
      addEvents: (events) => dms.add(events, Date.now()),
      setBudget(budget) {
        dmBudget = { ...budget };
        budgets.clear();
      },
    },
    openApiViolations,
    setMode(mode: FakeXMode, opts: FakeXModeOptions = {}) {
      state.mode = mode;
      state.resetAt = opts.resetAt ?? defaultRateLimitResetAt(now());
      delayMs = opts.delayMs ?? defaultSlowDelayMs;
      modeFrom = xRequests + (opts.afterRequests ?? 0);
    },
    reset() {
      state.mode = 'ok';
      delayMs = defaultSlowDelayMs;
      requests.length = 0;
      xRequests = 0;
      modeFrom = 0;
      rateLimits.clear();
      state.budgets.reset();
      state.client.reset();
      state.promoted = null;
      budgets.clear();
      dmBudget = defaultDmBudget;
      oauth.reset();
      oauth1.reset();
      posts.reset();
      media.reset();
      writeState.limits.reset();
      writeState.faults.clear();
      writeState.counts.clear();
      const violations = takeViolations();
      if (violations) throw violations;
    },
    strict,
    get queryIds() {
      return client.queryIds();
    },
    rotateQueryIds: (opts) => client.rotateQueryIds(opts),
    get bearer() {
      return client.bearer;
    },
    rotateBearer: () => client.rotateBearer(),
    setBudget(operation, budget) {
      if (!isBudgetedOperation(operation))
        throw new Error(`fake X: no budget named ${String(operation)}`);
      state.budgets.set(operation, budget);
    },
    budgetUsed: (authToken, operation) => state.budgets.used(authToken, operation, now()),
    posts: {
      all: (userId) => posts.all(userId),
      get: (id) => posts.get(id),
      add: (post) => posts.add(post, now()),
      setMetrics: (id, metrics) => posts.setMetrics(id, metrics),
      setReplyDelay: (ms) => posts.setReplyDelay(ms),
      setTimelineLag(ms) {
        posts.timelineLagMs = ms;
      },
      setSpelling(spelling) {
        posts.spelling = spelling;
      },
      setSubscriptionType(userId, type) {
        const account = accounts.byUserId(userId);
        if (!account) throw new Error(`fake X: no account ${userId}`);
        accounts.add({ ...account, subscriptionType: type });
      },
    },
    media: {
      get: (id) => media.get(id),
      all: (userId) => media.all(userId),
      setProcessing: (processing) => media.setProcessing(processing),
      setOutcome: (id, outcome) => media.setOutcome(id, outcome),
      setExpiry: (seconds) => media.setExpiry(seconds),
      setChunkLimit(bytes) {
        media.chunkLimitBytes = bytes;
      },
    },
    oauth1: {
      addCredentials(credentials) {
        if (!accounts.byUserId(credentials.userId))
          throw new Error(`fake X: add the account ${credentials.userId} first`);
        oauth1.addCredentials(credentials);
      },
      addAppBearer: (token, appId) => oauth1.addAppBearer(token, appId),
      setTimestampWindow: (seconds) => oauth1.setTimestampWindow(seconds),
    },
    faults: {
      inject: (kind, opts) => writeState.faults.inject(kind, opts),
      clear: () => writeState.faults.clear(),
      get hits() {
        return writeState.faults.hits;
      },
    },
    limits: {
      set: (endpoint, budget) => writeState.limits.set(endpoint, budget),
      setDaily: (limits) => writeState.limits.setDaily(limits),
    },
    requestCount: (endpoint) => writeState.counts.get(endpoint) ?? 0,
    setPromoted(tweet: FakeXTweet | null) {
      if (tweet && !state.accounts.byScreenName(tweet.by))
        throw new Error(`fake X: add the advertiser @${tweet.by} first`);
      state.promoted = tweet ? { ...tweet } : null;
    },
    get bundles() {
      return webClientFiles.names();
    },
    async close() {
      for (const cancel of pendingDelays) cancel();
      await listening.close();
      const violations = takeViolations();
      if (violations) throw violations;
    },
  }));
}

/** Sends the answer and says what went on the wire. */
function write(res: ServerResponse, reply: FakeReply, headers: Record<string, string>) {
  const isRaw = typeof reply.body === 'string' || reply.body instanceof Uint8Array;
  const contentType =
    reply.contentType ?? (isRaw ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  const payload = isRaw ? (reply.body as string | Uint8Array) : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': contentType, ...headers });
  res.end(payload);
  return {
    contentType,
    text: typeof payload === 'string' ? payload : Buffer.from(payload).toString('latin1'),
  };
}

const describeViolation = (v: OpenApiViolation) =>
  `  ${v.method} ${v.path} → ${v.status}: ${v.problems.join('; ')}`;

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body as bytes, or 'too large' past `limit` (the rest is drained, not kept). */
function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > limit ? 'too large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** OAuth bodies: X documents form encoding; twitter-api-v2 sends JSON, which X takes as well. */
function parseParams(body: string, contentType: string | undefined): Record<string, string> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (!parsed || typeof parsed !== 'object') return {};
      return Object.fromEntries(
        Object.entries(parsed).flatMap(([k, v]) =>
          v === null || v === undefined ? [] : [[k, String(v)]],
        ),
      );
    } catch {
      return {};
    }
  }
  if (type === 'application/x-www-form-urlencoded')
    return Object.fromEntries(new URLSearchParams(body));
  return {};
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

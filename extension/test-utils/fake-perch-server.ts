/**
 * A real HTTP server (node:http, port 0) that speaks enough of the Perch API for the extension's tests.
 * It records every request; tests can override any route or revoke the device.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Never answer (to test timeouts). */
  hang?: boolean;
}

type Route = (request: RecordedRequest) => Reply;

export const deviceToken = 'device-token-1';
const device = {
  id: 'dev_1',
  name: 'Chrome on Linux',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
};

export function problem(status: number, title: string, code?: string, detail?: string): Reply {
  return {
    status,
    body: {
      type: 'about:blank',
      title,
      status,
      ...(code ? { code } : {}),
      ...(detail ? { detail } : {}),
    },
  };
}

export async function startFakePerch() {
  const requests: RecordedRequest[] = [];
  const overrides = new Map<string, Route>();
  let revoked = false;
  let state: { state: string; handle: string | null } = { state: 'not_connected', handle: null };

  const defaults: Record<string, Route> = {
    'POST /api/v1/devices': (r) =>
      (r.body as { code?: string }).code === 'ABCD2345'
        ? { status: 201, body: { deviceToken, device } }
        : problem(
            400,
            'Pairing code not valid',
            'pairing.invalid_code',
            'That pairing code is not valid or was already used.',
          ),
    'PUT /api/v1/x/cookies': () => {
      state = { state: 'connected', handle: 'jack' };
      return { status: 200, body: state };
    },
    'DELETE /api/v1/x/cookies': () => {
      state = { state: 'signed_out', handle: null };
      return { status: 200, body: state };
    },
    'GET /api/v1/x/status': () => ({ status: 200, body: state }),
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization,
      body: raw ? JSON.parse(raw) : undefined,
    };
    requests.push(recorded);
    const key = `${recorded.method} ${recorded.path}`;
    let reply: Reply;
    if (key !== 'POST /api/v1/devices' && recorded.authorization !== `Bearer ${deviceToken}`) {
      reply = problem(401, 'Unknown device token', 'auth.invalid_token');
    } else if (revoked && key !== 'POST /api/v1/devices') {
      reply = problem(
        401,
        'Device revoked',
        'device.revoked',
        'This browser was removed from Perch.',
      );
    } else {
      const route = overrides.get(key) ?? defaults[key];
      reply = route ? route(recorded) : problem(404, 'Not found');
    }
    if (reply.hang) return;
    const isProblem = reply.status >= 400;
    res.writeHead(reply.status, {
      'content-type': isProblem ? 'application/problem+json' : 'application/json',
    });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    /** Requests that touched the cookie routes, as 'PUT' / 'DELETE'. */
    cookiePushes: () => requests.filter((r) => r.path === '/api/v1/x/cookies').map((r) => r.method),
    override(key: string, route: Route | null) {
      if (route) overrides.set(key, route);
      else overrides.delete(key);
    },
    revoke() {
      revoked = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakePerch = Awaited<ReturnType<typeof startFakePerch>>;

/** An origin where nothing listens: a server we just closed. */
export async function unreachableOrigin(): Promise<string> {
  const server = await startFakePerch();
  await server.close();
  return server.url;
}

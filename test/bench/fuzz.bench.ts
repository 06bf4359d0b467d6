/**
 * Malformed requests against every registered route of a real Perch (embedded PGlite, real HTTP on loopback),
 * signed in and not: broken JSON, wrong types, NUL and odd Unicode, prototype keys, huge and empty bodies,
 * hostile path ids, forged bearers. Prints the status counts and every 5xx; the goal is 0 5xx.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '@perch/server/app.ts';
import { loadConfig } from '@perch/server/config.ts';
import { createDeps } from '@perch/server/deps.ts';

const target = Number(process.env.REQUESTS ?? 6000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-fuzz-'));
const port = await new Promise<number>((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address() as AddressInfo;
    probe.close(() => resolve(free));
  });
});
const deps = await createDeps(
  loadConfig({
    PERCH_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PORT: String(port),
    HOST: '127.0.0.1',
  }),
  { jobQueue: 'in-memory' },
);
const app = createApp(deps);
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${port}`;

const signUp = await fetch(`${base}/api/v1/auth/sign-up`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: base },
  body: JSON.stringify({ email: 'fuzz@example.com', password: 'a long enough password 1' }),
});
const session = signUp.headers.get('set-cookie')?.split(';')[0] ?? '';
if (!signUp.ok || !session) throw new Error(`sign-up answered ${signUp.status}`);

// Signing out would end the session the rest of the run uses.
const routes = [
  ...new Map(
    app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.endsWith('/sign-out'))
      .map((r) => [`${r.method} ${r.path}`, r]),
  ).values(),
];
const ids = [
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  'constructor',
  '__proto__',
  'x'.repeat(5000),
  '%F0%9F%90%A6',
  "1'OR'1'='1",
  '-1',
  '00000000-0000-0000-0000-000000000000',
  '%E0%A4%A',
  'null',
];
const bodies: Array<string | undefined> = [
  undefined,
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '123',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{}}}',
  JSON.stringify({ email: 'a\u0000@b.c', password: '\u0000' }),
  JSON.stringify({ name: '\ud800', notes: '\u0000' }),
  JSON.stringify({ name: 'x'.repeat(60_000) }),
  JSON.stringify({ code: 123, deviceName: [] }),
  JSON.stringify({ authToken: {}, ct0: null }),
  JSON.stringify({ handle: '@'.repeat(300), xUserId: '9'.repeat(400) }),
  '{"a":'.repeat(2000),
  'x'.repeat(70_000),
];
const contentTypes = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
];
const queries = [
  '',
  '?limit=-1',
  '?limit=1e309',
  '?cursor=%00',
  '?q=%25%5F',
  '?__proto__=1',
  `?q=${'a'.repeat(5000)}`,
];

const statuses = new Map<number, number>();
const failures: string[] = [];
let sent = 0;
let seed = 7;
const pick = <T>(xs: T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % xs.length]!;

async function one() {
  const route = pick(routes);
  const url = base + route.path.replace(/:[a-zA-Z]+/g, () => pick(ids)) + pick(queries);
  const body = route.method === 'GET' || route.method === 'HEAD' ? undefined : pick(bodies);
  const headers: Record<string, string> = {
    origin: pick([base, base, base, base, base, 'https://evil.example', 'null']),
  };
  const type = pick(contentTypes);
  if (type) headers['content-type'] = type;
  if (pick([true, true, true, true, false])) headers.cookie = session;
  if (pick([true, false, false]))
    headers.authorization = pick([
      'Bearer x',
      'Bearer ' + 'a'.repeat(4000),
      'Basic Og==',
      'Bearer eyJhbGciOiJub25lIn0.e30.',
    ]);
  try {
    const answer = await fetch(url, { method: route.method, headers, body });
    await answer.arrayBuffer();
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500)
      failures.push(
        `${answer.status} ${route.method} ${url.slice(base.length, base.length + 120)}`,
      );
  } catch (error) {
    failures.push(
      `network error ${route.method} ${url.slice(base.length, base.length + 120)}: ${(error as Error).message}`,
    );
  }
}

const started = performance.now();
const workers = Array.from({ length: 8 }, async () => {
  while (sent < target) {
    sent++;
    await one();
  }
});
await Promise.all(workers);
const seconds = (performance.now() - started) / 1000;
server.close();
await deps.close();
fs.rmSync(dataDir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    bench: 'fuzz: malformed requests to every route, real HTTP on loopback',
    routes: routes.length,
    requests: sent,
    seconds: Math.round(seconds),
    statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
    fiveHundreds: failures.length,
    firstFailures: failures.slice(0, 20),
  }),
);
if (failures.length) process.exitCode = 1;

/**
 * Guesses per second an attacker gets against a real Perch (`node --import tsx server/src/index.ts`, embedded
 * PGlite, real HTTP on loopback): one client guessing the owner's password on sign-in, then pairing codes, each as
 * fast as it can (8 requests in flight) for GUESS_SECONDS (10) each. Prints tries sent, tries Perch actually
 * checked (a 401 on sign-in is a checked password; a 400 or 410 on redemption a checked code), checked tries per
 * second, and the 429 count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pairingCodeAlphabet } from '@perch/shared';
import { startPerchProcess } from '../e2e/perch-processes.ts';

const seconds = Number(process.env.GUESS_SECONDS ?? 10);
const inFlight = 8;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-guessing-'));
// a real server process; startPerchProcess waits until it listens and its job queue runs
const { child, url: base } = await startPerchProcess('perch', {
  PORT: '0',
  HOST: '127.0.0.1',
  PERCH_DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
});

const post = (route: string, body: unknown, cookie?: string) =>
  fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

const email = 'owner@example.com';
const signUp = await post('/api/v1/auth/sign-up', { email, password: 'the real owner password' });
const cookie = signUp.headers.get('set-cookie')?.split(';')[0];
if (signUp.status !== 201 || !cookie) throw new Error(`sign-up answered ${signUp.status}`);
// a live code to find, as an attacker would hope
if ((await post('/api/v1/pairing-codes', {}, cookie)).status !== 201)
  throw new Error('could not create a pairing code');

async function guess(
  name: string,
  send: (i: number) => Promise<Response>,
  isChecked: (status: number) => boolean,
) {
  const statuses = new Map<number, number>();
  let sent = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) {
        const res = await send(sent++);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const checked = [...statuses]
    .filter(([status]) => isChecked(status))
    .reduce((sum, [, n]) => sum + n, 0);
  return {
    target: name,
    seconds: Math.round(elapsed * 10) / 10,
    triesSent: sent,
    triesChecked: checked,
    checkedPerSecond: Math.round((checked / elapsed) * 100) / 100,
    throttled429: statuses.get(429) ?? 0,
    statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
  };
}

const code = (i: number) => {
  const chars = Array.from(
    { length: 8 },
    (_, k) => pairingCodeAlphabet[(i * 7919 + k * 31) % pairingCodeAlphabet.length],
  ).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
};
const results = [
  await guess(
    'POST /api/v1/auth/sign-in (owner, wrong passwords)',
    (i) => post('/api/v1/auth/sign-in', { email, password: `guess number ${i}` }),
    (s) => s === 401,
  ),
  await guess(
    'POST /api/v1/devices (pairing codes)',
    (i) => post('/api/v1/devices', { code: code(i), deviceName: 'guesser' }),
    (s) => s === 400 || s === 410,
  ),
];

child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify(
    { bench: 'guessing: one client on loopback, as fast as it can', inFlight, results },
    null,
    1,
  ),
);

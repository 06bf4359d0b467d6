/**
 * Real Perch server processes (`src/index.ts`, as `pnpm start` runs it) on a throwaway PostgreSQL database and
 * the fake X: for two-workers.test.ts and the worker-kill bench. Importing this file does no I/O.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { generateKeyEntry } from '@perch/server/modules/secrets/keyring.ts';
import type { FakeX } from '../fake-x/index.ts';
import { waitFor } from './harness.ts';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server');
export const adminDatabaseUrl =
  process.env.PERCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PerchProcess {
  name: string;
  child: ChildProcess;
  url: string;
  /** Every line it wrote (stdout as is, pino's JSON; stderr prefixed). */
  lines: string[];
}

/** A database of its own on the PostgreSQL at `adminDatabaseUrl`; drop() removes it, whoever is still connected. */
export async function createThrowawayDatabase(prefix: string) {
  const admin = postgres(adminDatabaseUrl, { onnotice: () => {}, max: 1 });
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** What every process sharing one database and one fake X is started with (one key ring for all of them). */
export function perchProcessEnv(databaseUrl: string, fakeX: FakeX): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    PERCH_SECRET_KEYS: generateKeyEntry(),
    PERCH_X_ORIGIN: fakeX.url,
    PERCH_X_API_ORIGIN: fakeX.url,
    PERCH_X_TIMEOUT_MS: '5000',
    PERCH_ALLOW_SIGNUP: 'true',
    LOG_LEVEL: 'info',
  };
}

/** Starts `src/index.ts` in its own process and waits until it listens and its job queue runs. */
export async function startPerchProcess(
  name: string,
  env: Record<string, string>,
): Promise<PerchProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: serverDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: PerchProcess = { name, child, url: '', lines: [] };
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    worker.lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => worker.lines.push(`stderr: ${chunk.toString()}`));
  const logged = (msg: string) =>
    worker.lines
      .map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; url?: string }) : {}))
      .find((l) => l.msg?.startsWith(msg));
  try {
    await waitFor(
      `${name} to listen and start its jobs`,
      async () => child.exitCode === null && logged('jobs started'),
      60_000,
      50,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${worker.lines.join('\n')}`, { cause: error });
  }
  worker.url = logged('Perch is listening')!.url!;
  return worker;
}

/** Stops the processes still running (SIGTERM) and waits for them to exit. */
export async function stopPerchProcesses(workers: PerchProcess[]) {
  for (const { child } of workers)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(
    workers.map(({ child }) =>
      child.exitCode === null && child.signalCode === null
        ? new Promise((r) => child.once('exit', r))
        : null,
    ),
  );
}

export async function callPerch(
  worker: PerchProcess,
  method: string,
  pathname: string,
  { cookie, bearer, json }: { cookie?: string; bearer?: string; json?: unknown } = {},
) {
  const headers: Record<string, string> = { origin: worker.url };
  if (cookie) headers.cookie = cookie;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${worker.url}${pathname}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  if (!res.ok)
    throw new Error(`${method} ${pathname} on ${worker.name}: ${res.status} ${await res.text()}`);
  return res;
}

/**
 * Signs a user up through one process, connects their X account the way the extension does (pair, push cookies)
 * and adds `contacts` by handle. Returns the session cookie and the Perch user id.
 */
export async function connectXUser(
  worker: PerchProcess,
  user: { email: string; authToken: string; ct0: string },
  contacts: { name: string; screenName: string }[],
): Promise<{ cookie: string; id: string }> {
  const signUp = await callPerch(worker, 'POST', '/api/v1/auth/sign-up', {
    json: { email: user.email, password: 'correct horse battery' },
  });
  const cookie = signUp.headers.get('set-cookie')!.split(';')[0]!;
  const { user: me } = (await signUp.json()) as { user: { id: string } };
  const { code } = (await (
    await callPerch(worker, 'POST', '/api/v1/pairing-codes', { cookie, json: {} })
  ).json()) as { code: string };
  const { deviceToken } = (await (
    await callPerch(worker, 'POST', '/api/v1/devices', {
      json: { code, deviceName: 'Test Chrome' },
    })
  ).json()) as { deviceToken: string };
  await callPerch(worker, 'PUT', '/api/v1/x/cookies', {
    bearer: deviceToken,
    json: { authToken: user.authToken, ct0: user.ct0 },
  });
  for (const contact of contacts)
    await callPerch(worker, 'POST', '/api/v1/contacts', {
      cookie,
      json: { name: contact.name, xHandle: contact.screenName },
    });
  return { cookie, id: me.id };
}

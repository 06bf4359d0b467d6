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

/** OAuth 1.0a app credentials for a fake X account, as the developer portal hands them out. */
export function appCredentialsFor(userId: string) {
  return {
    consumerKey: `ck-${userId}-perch-processes`,
    consumerSecret: `cs-${userId}-perch-processes`,
    accessToken: `${userId}-at-perch-processes`,
    accessTokenSecret: `ats-${userId}-perch-processes`,
  };
}

/**
 * connectXUser, then the account's OAuth 1.0a app credentials registered at the fake X and entered through
 * POST /api/v1/x/app-credentials (Perch verifies them with /2/users/me): the user can publish.
 */
export async function connectPublisher(
  worker: PerchProcess,
  fakeX: FakeX,
  user: { email: string; authToken: string; ct0: string; userId: string },
): Promise<{ cookie: string; id: string }> {
  const session = await connectXUser(worker, user, []);
  const creds = appCredentialsFor(user.userId);
  fakeX.oauth1.addCredentials({ ...creds, userId: user.userId });
  const saved = await callPerch(worker, 'POST', '/api/v1/x/app-credentials', {
    cookie: session.cookie,
    json: {
      api_key: creds.consumerKey,
      api_secret: creds.consumerSecret,
      access_token: creds.accessToken,
      access_token_secret: creds.accessTokenSecret,
    },
  });
  const status = (await saved.json()) as { canPublish: boolean; problem: string | null };
  if (!status.canPublish) throw new Error(`cannot publish: ${status.problem}`);
  return session;
}

/** Streams a file from disk to POST /api/v1/media (never read whole here either); returns the media id. */
export async function uploadMediaFile(
  worker: PerchProcess,
  cookie: string,
  file: string,
  mimeType: string,
): Promise<string> {
  const { createReadStream, statSync } = await import('node:fs');
  const { Readable } = await import('node:stream');
  const res = await fetch(`${worker.url}/api/v1/media`, {
    method: 'POST',
    headers: {
      origin: worker.url,
      cookie,
      'content-type': mimeType,
      'content-length': String(statSync(file).size),
      'x-perch-file-name': path.basename(file),
    },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (res.status !== 201)
    throw new Error(`POST /api/v1/media on ${worker.name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Writes an MP4-looking file of `bytes` (an ftyp box, then filler) for the fake X, which never decodes it. */
export async function writeFakeVideo(file: string, bytes: number) {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'w');
  try {
    const head = Buffer.alloc(32);
    head.writeUInt32BE(32, 0);
    head.write('ftypisom', 4, 'latin1');
    await handle.write(head);
    const block = Buffer.alloc(1024 * 1024, 0x5a);
    for (let written = head.length; written < bytes;) {
      const n = Math.min(block.length, bytes - written);
      await handle.write(block, 0, n);
      written += n;
    }
  } finally {
    await handle.close();
  }
}

/** The process id in an outbox lease owner (`host:pid:run…`, x-publish.outbox.ts). */
export const pidOfLeaseOwner = (owner: string) => Number(owner.split(':')[1]);

export interface PublishedPostView {
  id: string;
  status: string;
  scheduledAt: string | null;
  parts: { xPostId: string | null; state: string; error: string | null }[];
  attention: { reason: string; retryable: boolean } | null;
}

/** POST /api/v1/posts on a process; the post's view. */
export async function createPostOn(worker: PerchProcess, cookie: string, body: unknown) {
  const res = await callPerch(worker, 'POST', '/api/v1/posts', { cookie, json: body });
  return (await res.json()) as PublishedPostView;
}

/** Polls the posts until none is scheduled, uploading or publishing (or `timeoutMs` passes); their views. */
export async function waitForPostsSettled(
  worker: PerchProcess,
  cookie: string,
  ids: string[],
  timeoutMs: number,
  settled: (v: PublishedPostView) => boolean = (v) =>
    v.status === 'published' || v.status === 'needs_attention',
) {
  return waitFor(
    `${ids.length} posts settled`,
    async () => {
      const views: PublishedPostView[] = [];
      for (const id of ids) {
        const res = await callPerch(worker, 'GET', `/api/v1/posts/${id}`, { cookie });
        views.push((await res.json()) as PublishedPostView);
      }
      return views.every(settled) && views;
    },
    timeoutMs,
    500,
  );
}

/** Resident memory of a process in bytes (Linux /proc/<pid>/status VmRSS), null once it is gone. */
export async function residentBytes(pid: number): Promise<number | null> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

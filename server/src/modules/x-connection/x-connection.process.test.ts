/**
 * The cookie push against a real Perch process (`src/index.ts`) and the fake X: a process killed while X is
 * verifying a new pair leaves it `verifying`, and the next start asks X about it; a SIGTERM while a push waits
 * for X lets the push get its answer before the database closes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../../../../test/fake-x/index.ts';
import { generateKeyEntry } from '../secrets/keyring.ts';
import { startServeProcess, type ServeProcess } from '../../test-utils/serve-process.ts';

const account = {
  authToken: 'proc0auth0token0a1b2c3d4e5f60718293a4b5c6',
  ct0: 'proc0ct0first0aaaabbbbccccddddeeeeff',
  userId: '7301',
  screenName: 'perch_proc',
  name: 'Perch Proc',
};
let rotation = 0;
/** A new ct0, as X issues one: the fake X accepts only the newest, so an old pair would come back expired. */
const nextCt0 = () => {
  const ct0 = `proc0ct0rotated${String(++rotation).padStart(4, '0')}${'f'.repeat(20)}`;
  fakeX.addAccount({ ...account, ct0 });
  return ct0;
};

let fakeX: FakeX;
let dataDir: string;
let env: Record<string, string>;
const started: ServeProcess[] = [];

async function start() {
  const perch = startServeProcess(env);
  started.push(perch);
  const jobs = await perch.logged('jobs started');
  if (!jobs) throw new Error(`Perch did not start:\n${perch.lines.join('\n')}`);
  return { perch, url: (await perch.logged('Perch is listening'))!.url! };
}

async function call(
  url: string,
  method: string,
  pathname: string,
  { cookie, bearer, json }: { cookie?: string; bearer?: string; json?: unknown } = {},
) {
  const headers: Record<string, string> = { origin: url };
  if (cookie) headers.cookie = cookie;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${url}${pathname}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
}

beforeAll(async () => {
  fakeX = await startFakeX();
  fakeX.addAccount(account);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-process-'));
  env = {
    PORT: '0',
    HOST: '127.0.0.1',
    PERCH_DATA_DIR: dataDir,
    PERCH_SECRET_KEYS: generateKeyEntry(),
    PERCH_X_ORIGIN: fakeX.url,
    PERCH_X_API_ORIGIN: fakeX.url,
    PERCH_X_TIMEOUT_MS: '8000',
  };
});

afterAll(async () => {
  for (const perch of started) await perch.kill();
  await fakeX?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a cookie push and the process it runs in', () => {
  it(
    'a kill while X verifies a new pair leaves it verifying; the next start verifies it',
    { timeout: 180_000 },
    async () => {
      const first = await start();
      const signUp = await call(first.url, 'POST', '/api/v1/auth/sign-up', {
        json: { email: 'owner@example.com', password: 'correct horse battery' },
      });
      const cookie = signUp.headers.get('set-cookie')!.split(';')[0]!;
      const { code } = (await (
        await call(first.url, 'POST', '/api/v1/pairing-codes', { cookie, json: {} })
      ).json()) as { code: string };
      const { deviceToken } = (await (
        await call(first.url, 'POST', '/api/v1/devices', {
          json: { code, deviceName: 'Test Chrome' },
        })
      ).json()) as { deviceToken: string };
      const push = (url: string, ct0: string) =>
        call(url, 'PUT', '/api/v1/x/cookies', {
          bearer: deviceToken,
          json: { authToken: account.authToken, ct0 },
        });
      const status = async (url: string) =>
        (await (await call(url, 'GET', '/api/v1/x/status', { bearer: deviceToken })).json()) as {
          state: string;
          handle: string;
        };
      /** Until the pushed pair is stored and X has been asked about it. */
      const untilVerifying = async (url: string) => {
        for (let i = 0; i < 200 && (await status(url)).state !== 'verifying'; i++)
          await new Promise((r) => setTimeout(r, 50));
      };
      expect(await (await push(first.url, account.ct0)).json()).toMatchObject({
        state: 'connected',
        handle: account.screenName,
      });

      // X takes its time about the rotated pair, and the process is killed meanwhile
      fakeX.setMode('slow', { delayMs: 120_000 });
      const killedPush = push(first.url, nextCt0()).catch((error: Error) => error);
      await untilVerifying(first.url);
      expect(await status(first.url)).toMatchObject({
        state: 'verifying',
        handle: account.screenName,
      });
      first.perch.child.kill('SIGKILL');
      expect(await first.perch.exited).toBe('SIGKILL');
      expect(await killedPush).toBeInstanceOf(Error);

      fakeX.setMode('ok');
      const beforeRestart = fakeX.requests.length;
      const second = await start();
      for (let i = 0; i < 400 && (await status(second.url)).state === 'verifying'; i++)
        await new Promise((r) => setTimeout(r, 100));
      // connected: X accepted the pair it was asked about, the rotated one (the old ct0 no longer works at X)
      if ((await status(second.url)).state !== 'connected')
        console.log(second.perch.lines.join('\n'));
      expect(await status(second.url)).toMatchObject({
        state: 'connected',
        handle: account.screenName,
      });
      expect(fakeX.requests.length).toBeGreaterThan(beforeRestart);
      expect(second.perch.lines.join('\n')).toContain(
        'verified x cookies a stopped process had stored',
      );

      // SIGTERM while a push waits for X: no new connections, but the push in flight gets its answer
      fakeX.setMode('slow', { delayMs: 1_000 });
      const slowPush = push(second.url, nextCt0());
      await untilVerifying(second.url);
      second.perch.child.kill('SIGTERM');
      const answered = await slowPush;
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({
        state: 'connected',
        handle: account.screenName,
      });
      expect(await second.perch.exited).toBe(0);
      expect(second.perch.stderr()).toBe('');
    },
  );
});

/**
 * `src/index.ts` started with keys that do not open what its database holds: it exits non-zero with one sentence
 * naming the key and how to restore it, no stack trace, and without making a new key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  startServeProcess as startProcess,
  type ServeProcess,
} from '../../test-utils/serve-process.ts';
import { generateKeyEntry } from './keyring.ts';

const dirs: string[] = [];
const started: ServeProcess[] = [];
afterAll(async () => {
  // a Perch that started when it should have refused is not left running
  for (const perch of started) await perch.kill();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function startServeProcess(env: Record<string, string>) {
  const perch = startProcess(env);
  started.push(perch);
  return perch;
}

function dataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-keyring-process-'));
  dirs.push(dir);
  return dir;
}

/** Starts once (which records the key's check value) and stops with SIGTERM. */
async function startAndStop(env: Record<string, string>) {
  const perch = startServeProcess(env);
  if (!(await perch.logged('Perch is listening')))
    throw new Error(`Perch did not start:\n${perch.lines.join('\n')}`);
  perch.child.kill('SIGTERM');
  expect(await perch.exited).toBe(0);
}

const base = { PORT: '0', HOST: '127.0.0.1' };

describe('a start with the wrong secret key', () => {
  it(
    'exits 1 naming the key id when PERCH_SECRET_KEYS holds another key under the same id',
    { timeout: 120_000 },
    async () => {
      const dir = dataDir();
      const key = generateKeyEntry();
      const kid = key.split(':')[0]!;
      await startAndStop({ ...base, PERCH_DATA_DIR: dir, PERCH_SECRET_KEYS: key });

      const wrong = startServeProcess({
        ...base,
        PERCH_DATA_DIR: dir,
        PERCH_SECRET_KEYS: `${kid}:${generateKeyEntry().split(':')[1]}`,
      });
      expect(await wrong.exited).toBe(1);
      const said = wrong.stderr();
      expect(said).toContain(`Secret key ${kid} in PERCH_SECRET_KEYS is not the key ${kid}`);
      expect(said).toContain(`restore the key file at ${path.join(dir, 'secret-keys')}`);
      expect(said).not.toMatch(/^\s+at /m); // a sentence, not a stack trace
      expect(said.trim().split('\n')).toHaveLength(1);
    },
  );

  it(
    'exits 1 and makes no new key file when the key file was deleted',
    { timeout: 120_000 },
    async () => {
      const dir = dataDir();
      await startAndStop({ ...base, PERCH_DATA_DIR: dir });
      const file = path.join(dir, 'secret-keys');
      const kid = fs.readFileSync(file, 'utf8').trim().split(':')[0]!;
      fs.rmSync(file);

      const again = startServeProcess({ ...base, PERCH_DATA_DIR: dir });
      expect(await again.exited).toBe(1);
      expect(again.stderr()).toContain(
        `there is no key file at ${file}, but the database already holds secrets sealed with secret key ${kid}`,
      );
      expect(again.stderr()).not.toMatch(/^\s+at /m);
      expect(fs.existsSync(file)).toBe(false);
    },
  );
});

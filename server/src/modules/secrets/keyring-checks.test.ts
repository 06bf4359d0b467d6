/**
 * A start with keys that do not open what the database holds is refused, with a sentence naming the key: a wrong
 * PERCH_SECRET_KEYS, a deleted key file, a second host on the same database without keys. Rotation still works.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import type { Database } from '../../db/client.ts';
import { createDeps, type Deps } from '../../deps.ts';
import { createTestApp, testOrigin } from '../../test-utils/app.ts';
import { generateKeyEntry, KeyringError } from './keyring.ts';
import { keyringChecks } from './keyring-checks.table.ts';

const pair = {
  authToken: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
  ct0: 'ct0value0ct0value0ct0value0ct0value',
};
const kidOf = (entry: string) => entry.split(':')[0]!;
/** The same key id with other key bytes: well-formed, and wrong. */
const wrongKeyFor = (entry: string) => `${kidOf(entry)}:${generateKeyEntry().split(':')[1]}`;
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'perch-keyring-'));

let t: Awaited<ReturnType<typeof createTestApp>>;
const others: Deps[] = [];
afterEach(async () => {
  for (const deps of others.splice(0)) await deps.close();
  await t.close();
});

/** The test app's database, shared with another "host" that must not close it. */
const sharedDatabase = (): Database => ({ ...t.deps.database, close: async () => {} });
/** Another Perch process on the same database, with its own settings. */
async function startHost(env: Record<string, string>) {
  const deps = await createDeps(loadConfig({ PERCH_PUBLIC_URL: testOrigin, ...env }), {
    database: sharedDatabase(),
    logger: t.deps.logger,
  });
  others.push(deps);
  return deps;
}

async function withSealedCookies(env: Record<string, string>) {
  t = await createTestApp({ env, overrides: { keyring: undefined } });
  const { cookie } = await t.signUp();
  expect((await t.pushCookies(cookie, pair)).status).toBe(200);
}

describe('the keyring check at start', () => {
  it('refuses a well-formed but wrong PERCH_SECRET_KEYS, naming the key id and how to restore it', async () => {
    const key = generateKeyEntry();
    await withSealedCookies({ PERCH_SECRET_KEYS: key });
    const refused = startHost({ PERCH_SECRET_KEYS: wrongKeyFor(key), PERCH_DATA_DIR: tempDir() });
    await expect(refused).rejects.toBeInstanceOf(KeyringError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `Secret key ${kidOf(key)} in PERCH_SECRET_KEYS is not the key .*set PERCH_SECRET_KEYS with the original key ${kidOf(key)}, or restore the key file at .*secret-keys`,
      ),
    );
    // another key id altogether: the database's key is named as missing
    await expect(
      startHost({ PERCH_SECRET_KEYS: generateKeyEntry(), PERCH_DATA_DIR: tempDir() }),
    ).rejects.toThrow(
      new RegExp(
        `sealed with secret key ${kidOf(key)}, and PERCH_SECRET_KEYS has no key ${kidOf(key)}`,
      ),
    );
    // the right key still starts
    expect(
      (await startHost({ PERCH_SECRET_KEYS: key, PERCH_DATA_DIR: tempDir() })).keyring.currentKid,
    ).toBe(kidOf(key));
  });

  it('refuses a wrong key for sealed data from before check values existed', async () => {
    const key = generateKeyEntry();
    await withSealedCookies({ PERCH_SECRET_KEYS: key });
    await t.deps.db.delete(keyringChecks);
    await expect(
      startHost({ PERCH_SECRET_KEYS: wrongKeyFor(key), PERCH_DATA_DIR: tempDir() }),
    ).rejects.toThrow(new RegExp(`Secret key ${kidOf(key)} in PERCH_SECRET_KEYS is not the key`));
    await startHost({ PERCH_SECRET_KEYS: key, PERCH_DATA_DIR: tempDir() });
    expect(await t.deps.db.select({ kid: keyringChecks.kid }).from(keyringChecks)).toEqual([
      { kid: kidOf(key) },
    ]); // written now
  });

  it('refuses to start when the key file was deleted while sealed data remains, and makes no new one', async () => {
    const dataDir = tempDir();
    await withSealedCookies({ PERCH_DATA_DIR: dataDir });
    const file = path.join(dataDir, 'secret-keys');
    const kid = kidOf(fs.readFileSync(file, 'utf8').trim());
    fs.rmSync(file);
    await expect(startHost({ PERCH_DATA_DIR: dataDir })).rejects.toThrow(
      new RegExp(
        `no key file at ${file}, but the database already holds secrets sealed with secret key ${kid}.*restore the key file at ${file}`,
      ),
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('generates a key on a fresh database, starts, and records its check value', async () => {
    const dataDir = tempDir();
    t = await createTestApp({
      env: { PERCH_DATA_DIR: dataDir },
      overrides: { keyring: undefined },
    });
    const entry = fs.readFileSync(path.join(dataDir, 'secret-keys'), 'utf8').trim();
    expect(t.deps.keyring.currentKid).toBe(kidOf(entry));
    expect(await t.deps.db.select({ kid: keyringChecks.kid }).from(keyringChecks)).toEqual([
      { kid: kidOf(entry) },
    ]);
    // and starts again with it
    await startHost({ PERCH_DATA_DIR: dataDir });
  });

  it('refuses a second host on the same database that has no keys, instead of generating its own', async () => {
    const key = generateKeyEntry();
    t = await createTestApp({ env: { PERCH_SECRET_KEYS: key }, overrides: { keyring: undefined } }); // nothing sealed yet
    const secondHostDir = tempDir();
    await expect(startHost({ PERCH_DATA_DIR: secondHostDir })).rejects.toThrow(
      new RegExp(`PERCH_SECRET_KEYS is not set .*sealed with secret key ${kidOf(key)}`),
    );
    expect(fs.existsSync(path.join(secondHostDir, 'secret-keys'))).toBe(false);
    await startHost({ PERCH_SECRET_KEYS: key, PERCH_DATA_DIR: secondHostDir });
  });

  it('keeps rotation working: old and new key start, rekey, then the new key alone starts', async () => {
    const oldKey = generateKeyEntry();
    const newKey = generateKeyEntry();
    await withSealedCookies({ PERCH_SECRET_KEYS: oldKey });
    const dir = tempDir();
    // the new key alone cannot open the old data yet
    await expect(startHost({ PERCH_SECRET_KEYS: newKey, PERCH_DATA_DIR: dir })).rejects.toThrow(
      new RegExp(`sealed with secret key ${kidOf(oldKey)}`),
    );
    const rotated = await startHost({
      PERCH_SECRET_KEYS: `${oldKey},${newKey}`,
      PERCH_DATA_DIR: dir,
    });
    expect(await rotated.xConnection.rekeyAll()).toEqual({ rekeyed: 1, total: 1 });
    expect(await rotated.keyringChecks.retireUnused(rotated.keyring)).toEqual([kidOf(oldKey)]);
    const newOnly = await startHost({ PERCH_SECRET_KEYS: newKey, PERCH_DATA_DIR: dir });
    const [row] = await newOnly.db
      .select()
      .from((await import('../x-connection/x-connection.table.ts')).xConnections);
    expect(await newOnly.cookieVault.open(row!.cookiesJwe!)).toEqual(pair);
  });
});

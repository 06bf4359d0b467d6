/**
 * Perch's secret keys. PERCH_SECRET_KEYS (or, when unset, the 0600 file `<data dir>/secret-keys`) holds
 * `kid:base64url-32-bytes` entries separated by commas or newlines; the LAST one is the newest and encrypts,
 * every one still decrypts. Each purpose gets its own HKDF-derived key, so no key is used for two jobs.
 */
import { createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface KeyMaterial {
  /** JWE `dir` + A256GCM content key for stored cookies and tokens. */
  vaultKey: KeyObject;
  /** HMAC-SHA256 key for fingerprints of secrets. */
  fingerprintKey: Buffer;
  /** HS256 key for device tokens. */
  tokenKey: KeyObject;
}

export interface Keyring {
  currentKid: string;
  get(kid: string): KeyMaterial | undefined;
  kids: string[];
}

export class KeyringError extends Error {}

const entryPattern = /^([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9_-]{43})=?$/;

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `perch/${purpose}`, 32));
}

export function parseKeyring(text: string): Keyring {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) throw new KeyringError('No secret keys were given.');
  const keys = new Map<string, KeyMaterial>();
  for (const entry of entries) {
    const match = entryPattern.exec(entry);
    if (!match) {
      throw new KeyringError(
        'A secret key must look like `kid:<32 random bytes, base64url>`; generate one with `pnpm perch keys:new`.',
      );
    }
    const [, kid, encoded] = match as unknown as [string, string, string];
    const master = Buffer.from(encoded, 'base64url');
    if (master.length !== 32) throw new KeyringError(`Secret key ${kid} is not 32 bytes.`);
    if (keys.has(kid)) throw new KeyringError(`Secret key id ${kid} is used twice.`);
    keys.set(kid, {
      vaultKey: createSecretKey(derive(master, 'cookie-vault')),
      fingerprintKey: derive(master, 'fingerprint'),
      tokenKey: createSecretKey(derive(master, 'device-token')),
    });
  }
  const kids = [...keys.keys()];
  return { currentKid: kids[kids.length - 1]!, get: (kid) => keys.get(kid), kids };
}

/** A new entry for the keyring, named after the day it was made. */
export function generateKeyEntry(now = new Date()): string {
  const kid = `k${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
  return `${kid}:${randomBytes(32).toString('base64url')}`;
}

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'secret-keys');
}

/**
 * The configured keys, or the key file, created with mode 0600 on first start. Never created for a database that
 * already holds secrets (`kidsInUse`): those were sealed with keys that exist elsewhere, and a new key would only
 * start a Perch that cannot open them.
 */
export async function loadKeyring(options: {
  secretKeys: string | null;
  dataDir: string;
  kidsInUse: () => Promise<string[]>;
}): Promise<{ keyring: Keyring; source: string; created: boolean }> {
  if (options.secretKeys)
    return {
      keyring: parseKeyring(options.secretKeys),
      source: 'PERCH_SECRET_KEYS',
      created: false,
    };
  const file = keyFilePath(options.dataDir);
  let created = false;
  if (!fs.existsSync(file)) {
    const inUse = await options.kidsInUse();
    if (inUse.length > 0) {
      throw new KeyringError(
        `PERCH_SECRET_KEYS is not set and there is no key file at ${file}, but the database already holds secrets sealed with secret key ${inUse.join(', ')}. ` +
          `Perch will not make a new key for it: set PERCH_SECRET_KEYS to the keys this database was sealed with (as another Perch on it has them), or restore the key file at ${file} from your backup.`,
      );
    }
    fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${generateKeyEntry()}\n`, { flag: 'wx', mode: 0o600 });
    created = true;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077)
    throw new KeyringError(
      `${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`,
    );
  return {
    keyring: parseKeyring(fs.readFileSync(file, 'utf8')),
    source: `the key file at ${file}`,
    created,
  };
}

/** Appends a new newest key to the key file (the keys:rotate command). */
export function appendKeyToFile(dataDir: string): string {
  const entry = generateKeyEntry();
  fs.appendFileSync(keyFilePath(dataDir), `${entry}\n`, { mode: 0o600 });
  return entry.split(':')[0]!;
}

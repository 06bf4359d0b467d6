import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CookieVaultError, createCookieVault } from './cookie-vault.ts';
import { createDeviceTokens } from './device-tokens.ts';
import { generateKeyEntry, KeyringError, loadKeyring, parseKeyring } from './keyring.ts';
import { createSecretVault, SecretVaultError } from './secret-vault.ts';

const pair = { authToken: 'a'.repeat(40), ct0: 'c'.repeat(32) };

describe('cookieVault', () => {
  it('seals as compact JWE dir/A256GCM with the newest kid, and opens it again', async () => {
    const keyring = parseKeyring(`${generateKeyEntry()},${generateKeyEntry()}`);
    const vault = createCookieVault(keyring);
    const jwe = await vault.seal(pair);
    expect(jwe.split('.')).toHaveLength(5);
    const header = JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'dir', enc: 'A256GCM', kid: keyring.currentKid });
    expect(jwe).not.toContain(pair.authToken);
    expect(await vault.open(jwe)).toEqual(pair);
  });

  it('refuses tampered ciphertext and unknown keys instead of falling back', async () => {
    const vault = createCookieVault(parseKeyring(generateKeyEntry()));
    const jwe = await vault.seal(pair);
    const parts = jwe.split('.');
    parts[3] = Buffer.from('x'.repeat(20)).toString('base64url');
    await expect(vault.open(parts.join('.'))).rejects.toBeInstanceOf(CookieVaultError);
    const other = createCookieVault(parseKeyring(generateKeyEntry()));
    await expect(other.open(jwe)).rejects.toThrow(/No secret key with id/);
    await expect(vault.open('not-a-jwe')).rejects.toBeInstanceOf(CookieVaultError);
  });

  it('recognises an unchanged pair by keyed fingerprint, across a key rotation', () => {
    const first = generateKeyEntry();
    const before = createCookieVault(parseKeyring(first));
    const fingerprint = before.fingerprint(pair);
    expect(fingerprint).not.toContain(pair.ct0);
    const after = createCookieVault(parseKeyring(`${first}\n${generateKeyEntry()}`));
    expect(after.matches(pair, fingerprint)).toBe(true);
    expect(after.matches({ ...pair, ct0: 'd'.repeat(32) }, fingerprint)).toBe(false);
    expect(after.fingerprint(pair)).not.toBe(fingerprint);
  });
});

describe('secretVault', () => {
  it('opens a value only as the kind it was sealed as, and names no secret when it refuses', async () => {
    const vault = createSecretVault(parseKeyring(generateKeyEntry()));
    const tokens = { accessToken: 'at-secret-value', refreshToken: 'rt-secret-value' };
    const jwe = await vault.seal('x-api-tokens', tokens);
    expect(jwe).not.toContain('secret-value');
    expect(vault.isCurrent(jwe)).toBe(true);
    expect(await vault.open('x-api-tokens', jwe, ['accessToken', 'refreshToken'])).toEqual(tokens);
    await expect(vault.open('x-cookies', jwe, ['authToken'])).rejects.toThrow(
      /^Stored X cookies could not be decrypted/,
    );
    await expect(vault.open('x-api-tokens', jwe, ['codeVerifier'])).rejects.toBeInstanceOf(
      SecretVaultError,
    );
  });
});

describe('keyring', () => {
  it('rejects malformed keys with a sentence that says how to make one', () => {
    expect(() => parseKeyring('k1:short')).toThrow(/keys:new/);
    const entry = generateKeyEntry();
    expect(() => parseKeyring(`${entry},${entry}`)).toThrow(/used twice/);
  });

  it('creates the key file with mode 0600 on first start and reuses it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-keys-'));
    const kidsInUse = async () => [];
    const first = await loadKeyring({ secretKeys: null, dataDir: dir, kidsInUse });
    expect(first.created).toBe(true);
    expect(fs.statSync(path.join(dir, 'secret-keys')).mode & 0o777).toBe(0o600);
    const second = await loadKeyring({ secretKeys: null, dataDir: dir, kidsInUse });
    expect(second.created).toBe(false);
    expect(second.keyring.currentKid).toBe(first.keyring.currentKid);
    fs.chmodSync(path.join(dir, 'secret-keys'), 0o644);
    await expect(loadKeyring({ secretKeys: null, dataDir: dir, kidsInUse })).rejects.toThrow(
      KeyringError,
    );
  });

  it('never creates a key file for a database that already holds secrets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-keys-'));
    await expect(
      loadKeyring({ secretKeys: null, dataDir: dir, kidsInUse: async () => ['k20260101-abcdef'] }),
    ).rejects.toThrow(
      /no key file at .*secret-keys.*sealed with secret key k20260101-abcdef.*set PERCH_SECRET_KEYS/,
    );
    expect(fs.existsSync(path.join(dir, 'secret-keys'))).toBe(false);
  });
});

describe('deviceTokens', () => {
  it('signs and verifies, and refuses tokens from another keyring', async () => {
    const tokens = createDeviceTokens(parseKeyring(generateKeyEntry()));
    const token = await tokens.sign({ userId: 'u1', deviceId: 'd1' });
    expect(await tokens.verify(token)).toEqual({ userId: 'u1', deviceId: 'd1' });
    await expect(
      createDeviceTokens(parseKeyring(generateKeyEntry())).verify(token),
    ).rejects.toThrow(/not valid/);
  });
});

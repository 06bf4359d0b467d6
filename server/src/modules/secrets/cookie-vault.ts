/**
 * Where X cookies are encrypted: compact JWE (`dir`, `A256GCM`, `kid`) under the keyring's newest key,
 * plus a keyed fingerprint that recognises an unchanged pair without decrypting it.
 * A value that fails to decrypt is an error, never a fallback to the stored text.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import type { XCookiePair } from '@perch/shared';
import type { Keyring } from './keyring.ts';

export class CookieVaultError extends Error {}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface CookieVault {
  seal(pair: XCookiePair): Promise<string>;
  open(jwe: string): Promise<XCookiePair>;
  /** `kid.hex` HMAC of the pair under the newest key. */
  fingerprint(pair: XCookiePair): string;
  matches(pair: XCookiePair, storedFingerprint: string | null): boolean;
  kidOf(jwe: string): string | undefined;
}

export function createCookieVault(keyring: Keyring): CookieVault {
  const hmac = (kid: string, pair: XCookiePair) => {
    const material = keyring.get(kid);
    if (!material) return null;
    // \n cannot occur in a cookie value (printable ASCII only), so the pair is encoded unambiguously.
    return createHmac('sha256', material.fingerprintKey).update(`${pair.authToken}\n${pair.ct0}`).digest();
  };

  return {
    async seal(pair) {
      const kid = keyring.currentKid;
      return new CompactEncrypt(encoder.encode(JSON.stringify({ authToken: pair.authToken, ct0: pair.ct0 })))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: 'perch.x-cookies' })
        .encrypt(keyring.get(kid)!.vaultKey);
    },

    async open(jwe) {
      try {
        const { plaintext } = await compactDecrypt(
          jwe,
          (header) => {
            const material = header.kid ? keyring.get(header.kid) : undefined;
            if (!material) throw new CookieVaultError(`No secret key with id ${header.kid ?? '(none)'} is configured.`);
            return material.vaultKey;
          },
          { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] },
        );
        const value = JSON.parse(decoder.decode(plaintext)) as XCookiePair;
        if (typeof value.authToken !== 'string' || typeof value.ct0 !== 'string') throw new Error('malformed');
        return { authToken: value.authToken, ct0: value.ct0 };
      } catch (error) {
        if (error instanceof CookieVaultError) throw error;
        throw new CookieVaultError('Stored X cookies could not be decrypted (wrong key or tampered data).');
      }
    },

    fingerprint(pair) {
      return `${keyring.currentKid}.${hmac(keyring.currentKid, pair)!.toString('hex')}`;
    },

    matches(pair, stored) {
      if (!stored) return false;
      const dot = stored.lastIndexOf('.');
      const expected = hmac(stored.slice(0, dot), pair);
      const actual = Buffer.from(stored.slice(dot + 1), 'hex');
      return expected !== null && expected.length === actual.length && timingSafeEqual(expected, actual);
    },

    kidOf(jwe) {
      try {
        return decodeProtectedHeader(jwe).kid;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Where X cookies are encrypted: the secret vault (compact JWE under the newest key), plus a keyed fingerprint
 * that recognises an unchanged pair without decrypting it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { XCookiePair } from '@perch/shared';
import type { Keyring } from './keyring.ts';
import { createSecretVault, SecretVaultError } from './secret-vault.ts';

/** A cookie pair that could not be opened; the vault's error, under the name callers already catch. */
export { SecretVaultError as CookieVaultError };

export interface CookieVault {
  seal(pair: XCookiePair): Promise<string>;
  open(jwe: string): Promise<XCookiePair>;
  /** `kid.hex` HMAC of the pair under the newest key. */
  fingerprint(pair: XCookiePair): string;
  matches(pair: XCookiePair, storedFingerprint: string | null): boolean;
  kidOf(jwe: string): string | undefined;
}

export function createCookieVault(keyring: Keyring): CookieVault {
  const vault = createSecretVault(keyring);
  const hmac = (kid: string, pair: XCookiePair) => {
    const material = keyring.get(kid);
    if (!material) return null;
    // \n cannot occur in a cookie value (printable ASCII only), so the pair is encoded unambiguously.
    return createHmac('sha256', material.fingerprintKey)
      .update(`${pair.authToken}\n${pair.ct0}`)
      .digest();
  };

  return {
    seal: (pair) => vault.seal('x-cookies', { authToken: pair.authToken, ct0: pair.ct0 }),

    async open(jwe) {
      const { authToken, ct0 } = await vault.open('x-cookies', jwe, ['authToken', 'ct0']);
      return { authToken, ct0 };
    },

    fingerprint(pair) {
      return `${keyring.currentKid}.${hmac(keyring.currentKid, pair)!.toString('hex')}`;
    },

    matches(pair, stored) {
      if (!stored) return false;
      const dot = stored.lastIndexOf('.');
      const expected = hmac(stored.slice(0, dot), pair);
      const actual = Buffer.from(stored.slice(dot + 1), 'hex');
      return (
        expected !== null && expected.length === actual.length && timingSafeEqual(expected, actual)
      );
    },

    kidOf: vault.kidOf,
  };
}

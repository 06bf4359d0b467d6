/**
 * The one way Perch encrypts a secret at rest (X cookies, X API tokens, PKCE verifiers): compact JWE
 * (`dir`, `A256GCM`) under the keyring's newest key, its `kid` in the header and the kind of secret in `cty`,
 * so a value sealed as one kind can never be opened as another. A value that fails to decrypt is an error,
 * never a fallback to the stored text.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import type { Keyring } from './keyring.ts';

export class SecretVaultError extends Error {}

/** What a sealed value is; the words go into error messages (never the value). */
export const secretKinds = {
  'x-cookies': 'Stored X cookies',
  'x-api-tokens': 'Stored X API tokens',
  'pkce-verifier': 'A stored X sign-in verifier',
  'x-app-credentials': 'Stored X app credentials',
  'keyring-check': 'A secret key check value',
} as const;
export type SecretKind = keyof typeof secretKinds;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SecretVault {
  /** Sealed under the newest key, or under `kid` (the keyring's check values). */
  seal(kind: SecretKind, value: Record<string, string>, kid?: string): Promise<string>;
  /** The sealed object; every field is checked to be a string, and `fields` to be present. */
  open<F extends string>(
    kind: SecretKind,
    jwe: string,
    fields: readonly F[],
  ): Promise<Record<F, string>>;
  kidOf(jwe: string): string | undefined;
  /** Whether `jwe` is sealed under the newest key (rekey leaves it alone then). */
  isCurrent(jwe: string): boolean;
}

export function createSecretVault(keyring: Keyring): SecretVault {
  const kidOf = (jwe: string) => {
    try {
      return decodeProtectedHeader(jwe).kid;
    } catch {
      return undefined;
    }
  };

  return {
    async seal(kind, value, kid = keyring.currentKid) {
      return new CompactEncrypt(encoder.encode(JSON.stringify(value)))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: `perch.${kind}` })
        .encrypt(keyring.get(kid)!.vaultKey);
    },

    async open(kind, jwe, fields) {
      const what = secretKinds[kind];
      try {
        const { plaintext, protectedHeader } = await compactDecrypt(
          jwe,
          (header) => {
            const material = header.kid ? keyring.get(header.kid) : undefined;
            if (!material)
              throw new SecretVaultError(
                `No secret key with id ${header.kid ?? '(none)'} is configured.`,
              );
            return material.vaultKey;
          },
          { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] },
        );
        if (protectedHeader.cty !== `perch.${kind}`) throw new Error('wrong kind');
        const value = JSON.parse(decoder.decode(plaintext)) as Record<string, unknown>;
        for (const field of fields)
          if (typeof value[field] !== 'string') throw new Error('malformed');
        return value as Record<(typeof fields)[number], string>;
      } catch (error) {
        if (error instanceof SecretVaultError) throw error;
        throw new SecretVaultError(`${what} could not be decrypted (wrong key or tampered data).`);
      }
    },

    kidOf,
    isCurrent: (jwe) => kidOf(jwe) === keyring.currentKid,
  };
}

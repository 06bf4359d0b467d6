/**
 * Proof, at every start, that the configured secret keys are the ones the database's secrets were sealed with.
 * Each key the database depends on has a check value (a known plaintext sealed with it); sealed data from before
 * check values existed is proven by opening one sealed value per key instead. A key that is missing or wrong is
 * refused with a sentence naming it, rather than starting and then failing at every device token and X call.
 */
import { eq, isNotNull, sql, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { decodeProtectedHeader } from 'jose';
import type { Db } from '../../db/client.ts';
import { KeyringError, type Keyring } from './keyring.ts';
import { keyringChecks } from './keyring-checks.table.ts';
import { createSecretVault, secretKinds, type SecretKind } from './secret-vault.ts';

/** A column holding compact JWEs from the secret vault. */
export interface SealedColumn {
  table: PgTable;
  column: Column;
}

/** Where the keys came from and where the key file lives: the words of a refusal. */
export interface KeySource {
  source: string;
  file: string;
}

const checkValue = { check: 'perch keyring check' };

export type KeyringChecks = ReturnType<typeof createKeyringChecks>;

export function createKeyringChecks({
  db,
  sealedColumns,
}: {
  db: Db;
  sealedColumns: SealedColumn[];
}) {
  /** One sealed value per key and kind (a JWE's protected header is the same for every value of a key and kind). */
  async function sealedSamples(): Promise<Map<string, { kind: SecretKind | null; jwe: string }>> {
    const samples = new Map<string, { kind: SecretKind | null; jwe: string }>();
    for (const { table, column } of sealedColumns) {
      const header = sql`split_part(${column}, '.', 1)`;
      const rows = await db
        .select({ sample: sql<string>`min(${column})` })
        .from(table)
        .where(isNotNull(column))
        .groupBy(header);
      for (const { sample } of rows) {
        let kid: string | undefined;
        let cty: string | undefined;
        try {
          ({ kid, cty } = decodeProtectedHeader(sample));
        } catch {
          continue; // not a JWE: opening it fails where it is used, with that secret's own words
        }
        const kind =
          cty?.startsWith('perch.') && cty.slice(6) in secretKinds
            ? (cty.slice(6) as SecretKind)
            : null;
        if (kid && !samples.has(kid)) samples.set(kid, { kind, jwe: sample });
      }
    }
    return samples;
  }

  async function storedChecks(): Promise<Map<string, string>> {
    return new Map((await db.select().from(keyringChecks)).map((row) => [row.kid, row.check]));
  }

  /** Refuses keys that do not open what the database holds; returns what it read, for ensure() to go on from. */
  async function verify(keyring: Keyring, where: KeySource) {
    const vault = createSecretVault(keyring);
    const checks = await storedChecks();
    const samples = await sealedSamples();
    for (const kid of new Set([...checks.keys(), ...samples.keys()])) {
      if (!keyring.get(kid)) {
        throw new KeyringError(
          `The database holds secrets sealed with secret key ${kid}, and ${where.source} has no key ${kid}. Perch will not start without it: ` +
            `set PERCH_SECRET_KEYS to include ${kid}'s key (kid:key entries, comma-separated, newest last), or restore the key file at ${where.file} from your backup.`,
        );
      }
      const check = checks.get(kid);
      const sample = samples.get(kid);
      const opens = check
        ? await vault.open('keyring-check', check, ['check']).then(
            (v) => v.check === checkValue.check,
            () => false,
          )
        : sample?.kind
          ? await vault.open(sample.kind, sample.jwe, []).then(
              () => true,
              () => false,
            )
          : true;
      if (!opens) {
        throw new KeyringError(
          `Secret key ${kid} in ${where.source} is not the key ${kid} the database's secrets were sealed with. Perch will not start with it: ` +
            `set PERCH_SECRET_KEYS with the original key ${kid}, or restore the key file at ${where.file} from your backup.`,
        );
      }
    }
    return { checks, samples };
  }

  return {
    /** Every key id the database depends on: by a check value or by sealed data. */
    async kidsInUse(): Promise<string[]> {
      return [...new Set([...(await storedChecks()).keys(), ...(await sealedSamples()).keys()])];
    },

    /**
     * At start: refuses keys that do not open what the database holds, then writes the check values still missing
     * (the newest key's, which seals and signs from now on, and those of older keys that hold data).
     */
    async ensure(keyring: Keyring, where: KeySource): Promise<void> {
      const { checks, samples } = await verify(keyring, where);
      const vault = createSecretVault(keyring);
      const missing = keyring.kids.filter(
        (kid) => !checks.has(kid) && (kid === keyring.currentKid || samples.has(kid)),
      );
      if (missing.length === 0) return;
      for (const kid of missing) {
        await db
          .insert(keyringChecks)
          .values({ kid, check: await vault.seal('keyring-check', checkValue, kid) })
          .onConflictDoNothing();
      }
      // Another process may have written its own check for the same id at the same moment: only one stands.
      await verify(keyring, where);
    },

    /** After a rekey: older keys that no longer hold any data are no longer needed; returns their ids. */
    async retireUnused(keyring: Keyring): Promise<string[]> {
      const samples = await sealedSamples();
      const unused = [...(await storedChecks()).keys()].filter(
        (kid) => kid !== keyring.currentKid && !samples.has(kid),
      );
      for (const kid of unused) await db.delete(keyringChecks).where(eq(keyringChecks.kid, kid));
      return unused;
    },
  };
}

import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, connectedAs, scriptedXWeb } from '../../test-utils/app.ts';
import { createCookieVault } from '../secrets/cookie-vault.ts';
import { generateKeyEntry, parseKeyring } from '../secrets/keyring.ts';
import { createXConnectionQueries } from './x-connection.queries.ts';
import { createXConnectionService } from './x-connection.service.ts';
import { xConnections } from './x-connection.table.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(() => t.close());

describe('key rotation', () => {
  it('re-encrypts every stored pair under the newest key, after which the old key can go', async () => {
    const oldKey = generateKeyEntry();
    const newKey = generateKeyEntry();
    t = await createTestApp({ overrides: { keyring: parseKeyring(oldKey) } });
    const pair = {
      authToken: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
      ct0: 'ct0value0ct0value0ct0value0ct0value',
    };
    const { cookie } = await t.signUp();
    await t.pushCookies(cookie, pair);

    // restart with both keys, the new one last (newest), and run keys:rekey
    const rotatedVault = createCookieVault(parseKeyring(`${oldKey},${newKey}`));
    const rotated = createXConnectionService({
      xConnectionQueries: createXConnectionQueries({ db: t.deps.db }),
      cookieVault: rotatedVault,
      xWeb: scriptedXWeb(() => connectedAs('perch_user')),
      logger: t.deps.logger,
      now: () => new Date(),
    });
    expect(await rotated.rekeyAll()).toEqual({ rekeyed: 1, total: 1 });
    expect(await rotated.rekeyAll()).toEqual({ rekeyed: 0, total: 1 });

    const [row] = await t.deps.db.select().from(xConnections);
    const newKid = newKey.split(':')[0];
    expect(rotatedVault.kidOf(row!.cookiesJwe!)).toBe(newKid);
    expect(row!.cookiesFingerprint!.startsWith(`${newKid}.`)).toBe(true);
    // only the new key is needed now
    const newOnly = createCookieVault(parseKeyring(newKey));
    expect(await newOnly.open(row!.cookiesJwe!)).toEqual(pair);
    expect(newOnly.matches(pair, row!.cookiesFingerprint)).toBe(true);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, testWebAssets } from '../../test-utils/app.ts';

// Names every plain object inherits: a lookup in an object literal finds these although no asset has them.
const inheritedNames = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

let t: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(() => t?.close());

describe('asset names inherited from Object.prototype', () => {
  it('are no asset to the reader', async () => {
    const assets = await testWebAssets.load();
    for (const name of inheritedNames) {
      expect(assets.get(name), name).toBeNull();
      expect(() => assets.url(name), name).toThrow();
    }
  });

  it('answer 404 at /assets, with nothing logged at error level', async () => {
    t = await createTestApp();
    for (const name of inheritedNames) {
      expect((await t.request(`/assets/${name}`)).status, name).toBe(404);
    }
    expect((await t.request((await testWebAssets.load()).url('style.css'))).status).toBe(200);
    const errors = t.logLines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});

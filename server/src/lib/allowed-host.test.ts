/** DNS rebinding: Perch answers only for its own host (or loopback names when no public URL is set). */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../test-utils/app.ts';

let t: Awaited<ReturnType<typeof createTestApp>> | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function expectWrongHost(res: Response, hint: RegExp) {
  expect(res.status).toBe(421);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as { code: string; detail: string };
  expect(body.code).toBe('request.wrong_host');
  expect(body.detail).toMatch(hint);
  expect(body.detail).toContain('PERCH_PUBLIC_URL');
}

describe('the Host check', () => {
  it('with PERCH_PUBLIC_URL, accepts its host and refuses any other, loopback included; /healthz is exempt', async () => {
    t = await createTestApp({ env: { PERCH_PUBLIC_URL: 'https://perch.example.com' } });
    const { app } = t;
    expect((await app.request('https://perch.example.com/api/v1/auth/state')).status).toBe(200);
    expect(
      (
        await app.request('https://perch.example.com/api/v1/auth/state', {
          headers: { host: 'perch.example.com:443' },
        })
      ).status,
    ).toBe(200);
    await expectWrongHost(
      await app.request('http://rebound.attacker.test/api/v1/auth/state'),
      /perch\.example\.com/,
    );
    // a page that rebinds its own name sends that name in Host, even if the URL line says otherwise
    await expectWrongHost(
      await app.request('https://perch.example.com/api/v1/auth/sign-in', {
        method: 'POST',
        headers: { host: 'rebound.attacker.test' },
      }),
      /perch\.example\.com/,
    );
    await expectWrongHost(
      await app.request('http://localhost:8787/sign-in'),
      /perch\.example\.com/,
    );
    await expectWrongHost(
      await app.request('https://perch.example.com:8443/'),
      /perch\.example\.com/,
    );
    expect((await app.request('http://rebound.attacker.test/healthz')).status).toBe(200);
  });

  it('without PERCH_PUBLIC_URL, accepts every loopback name on any port and refuses other names', async () => {
    t = await createTestApp({ env: { PERCH_PUBLIC_URL: undefined } });
    const { app } = t;
    for (const origin of [
      'http://localhost',
      'http://localhost:5173',
      'http://127.0.0.1:8787',
      'http://[::1]:8787',
      'http://LOCALHOST:1',
    ]) {
      expect((await app.request(`${origin}/api/v1/auth/state`)).status, origin).toBe(200);
    }
    await expectWrongHost(
      await app.request('http://rebound.attacker.test:8787/api/v1/auth/state'),
      /localhost, 127\.0\.0\.1, \[::1\]/,
    );
    await expectWrongHost(
      await app.request('http://192.168.1.20:8787/api/v1/auth/state'),
      /localhost/,
    );
    expect((await app.request('http://rebound.attacker.test/healthz')).status).toBe(200);
  });
});

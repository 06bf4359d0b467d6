/**
 * A test app whose user is connected to the fake X through the real bird code, for the sync tests.
 */
import { expect } from 'vitest';
import type { FakeX, FakeXAccount } from '../../../../test/fake-x/index.ts';
import { createTestApp, fakeXEnv } from '../../test-utils/app.ts';

export type SyncTestApp = Awaited<ReturnType<typeof createTestApp>>;

/** `me` must have cookies; the other accounts are X accounts the user's contacts may name. */
/** `now`: Perch's clock (the fake X's own is set when it starts), for tests that wait out X's windows. */
export async function connectedToFakeX(
  fakeX: FakeX,
  me: Required<Pick<FakeXAccount, 'authToken' | 'ct0'>> & FakeXAccount,
  others: FakeXAccount[] = [],
  {
    now = () => new Date(),
    env = {},
    jobQueue = 'in-memory',
    handleRefresh = false,
  }: {
    now?: () => Date;
    env?: Record<string, string>;
    jobQueue?: 'pg-boss' | 'in-memory';
    handleRefresh?: boolean;
  } = {},
) {
  for (const account of [me, ...others]) fakeX.addAccount(account);
  fakeX.reset();
  const t = await createTestApp({
    env: { ...fakeXEnv(fakeX.url), ...env },
    overrides: { now, jobQueue },
    handleRefresh,
  });
  const { cookie, user } = await t.signUp();
  await t.pushCookies(cookie, { authToken: me.authToken, ct0: me.ct0 });
  expect(await t.deps.xConnection.status(user.id)).toMatchObject({
    state: 'connected',
    handle: me.screenName,
  });
  fakeX.requests.length = 0;
  return { t, cookie, userId: user.id };
}

/** What the fake X was asked, by GraphQL operation (or path for REST and images). */
export const requestsFor = (fakeX: FakeX, what: string) =>
  fakeX.requests.filter((r) => r.operation === what || r.path.startsWith(what));

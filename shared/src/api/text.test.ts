import { describe, expect, it } from 'vitest';
import { CreateContact, Credentials, RedeemPairingCode, UpdateContact } from '../index.ts';

const nul = '\u0000';
const failedPaths = (result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[] }> };
}) => (result.success ? [] : result.error!.issues.map((i) => i.path.join('.')));

describe('text PostgreSQL cannot hold', () => {
  it('every user-supplied string refuses a NUL, naming the field', () => {
    expect(failedPaths(CreateContact.safeParse({ name: `Ada${nul}` }))).toContain('name');
    expect(failedPaths(CreateContact.safeParse({ name: 'Ada', notes: `x${nul}y` }))).toEqual([
      'notes',
    ]);
    expect(failedPaths(CreateContact.safeParse({ name: 'Ada', xHandle: `ada${nul}` }))).toEqual([
      'xHandle',
    ]);
    expect(failedPaths(UpdateContact.safeParse({ name: nul }))).toEqual(['name']);
    expect(failedPaths(UpdateContact.safeParse({ notes: nul }))).toEqual(['notes']);
    expect(
      failedPaths(RedeemPairingCode.safeParse({ code: 'ABCD-2345', deviceName: `Chrome${nul}` })),
    ).toEqual(['deviceName']);
    expect(
      failedPaths(
        Credentials.safeParse({ email: `a${nul}@example.com`, password: 'correct horse battery' }),
      ),
    ).toEqual(['email']);
    expect(
      failedPaths(
        Credentials.safeParse({ email: 'a@example.com', password: `correct horse${nul}battery` }),
      ),
    ).toEqual(['password']);
  });

  it('says plainly what is wrong', () => {
    const result = UpdateContact.safeParse({ notes: `x${nul}` });
    expect(result.success ? '' : result.error.issues[0]!.message).toMatch(/NUL/);
  });

  it('keeps ordinary text, including other control characters and emoji', () => {
    expect(CreateContact.parse({ name: ' Ada 🐦 ', notes: 'line\nnext\ttab' })).toMatchObject({
      name: 'Ada 🐦',
      notes: 'line\nnext\ttab',
    });
  });
});

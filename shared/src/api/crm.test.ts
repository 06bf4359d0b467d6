import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Contact,
  CreateContact,
  type InteractionKind,
  UpdateContact,
  XHandle,
  interactionKinds,
} from '../index.ts';

describe('CRM schemas', () => {
  it('reads an X handle however it is typed', () => {
    for (const typed of [
      'jack',
      '@jack',
      ' @jack ',
      'https://x.com/jack',
      'https://twitter.com/jack?s=20',
      'x.com/jack'.replace(/^/, 'https://www.'),
    ]) {
      expect(XHandle.parse(typed), typed).toBe('jack');
    }
    expect(XHandle.safeParse('not a handle').success).toBe(false);
    expect(XHandle.safeParse('sixteen_chars_xx').success).toBe(false);
  });

  it('needs a name or a handle for a new contact; an empty handle field means none', () => {
    expect(CreateContact.parse({ xHandle: '@ada' })).toEqual({
      name: '',
      xHandle: 'ada',
      notes: '',
    });
    expect(CreateContact.parse({ name: 'Ada', xHandle: '' })).toEqual({
      name: 'Ada',
      xHandle: null,
      notes: '',
    });
    expect(CreateContact.safeParse({ name: ' ' }).success).toBe(false);
    expect(UpdateContact.parse({ xHandle: '' })).toEqual({ xHandle: null });
    expect(UpdateContact.safeParse({ name: '' }).success).toBe(false);
  });

  it('types', () => {
    expectTypeOf<(typeof interactionKinds)[number]>().toEqualTypeOf<InteractionKind>();
    expectTypeOf<Contact['xHandle']>().toEqualTypeOf<string | null>();
    expectTypeOf<Contact>().toHaveProperty('avatarPath');
  });
});

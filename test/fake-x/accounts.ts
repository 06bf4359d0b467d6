import { defaultAvatarUrl } from './images.ts';
import type { FakeXAccount } from './types.ts';

const createdAt = 'Tue Mar 21 20:50:14 +0000 2006';

export interface AccountStore {
  add(account: FakeXAccount): void;
  byAuthToken(authToken: string | undefined): FakeXAccount | undefined;
  /** X handles are case-insensitive. */
  byScreenName(screenName: string): FakeXAccount | undefined;
  byUserId(userId: string): FakeXAccount | undefined;
  /** The account whose avatar is at this path on pbs.twimg.com. */
  byAvatarPath(path: string): FakeXAccount | undefined;
}

export function createAccountStore(): AccountStore {
  // Indexed four ways: the bench looks up a thousand accounts.
  const byId = new Map<string, FakeXAccount>();
  const byToken = new Map<string, FakeXAccount>();
  const byName = new Map<string, FakeXAccount>();
  const byAvatar = new Map<string, FakeXAccount>();
  return {
    add(account) {
      const previous = byId.get(account.userId);
      if (previous?.authToken !== undefined) byToken.delete(previous.authToken);
      if (previous) byName.delete(previous.screenName.toLowerCase());
      if (previous) byAvatar.delete(avatarPath(previous));
      const copy = { ...account };
      byId.set(copy.userId, copy);
      byName.set(copy.screenName.toLowerCase(), copy);
      if (copy.authToken !== undefined) byToken.set(copy.authToken, copy);
      byAvatar.set(avatarPath(copy), copy);
    },
    byAuthToken: (authToken) => (authToken === undefined ? undefined : byToken.get(authToken)),
    byScreenName: (screenName) => byName.get(screenName.toLowerCase()),
    byUserId: (userId) => byId.get(userId),
    byAvatarPath: (path) => byAvatar.get(path),
  };
}

const avatarOf = (a: FakeXAccount) => a.avatarUrl ?? defaultAvatarUrl(a.userId);
const avatarPath = (a: FakeXAccount) => new URL(avatarOf(a)).pathname;

/**
 * The GraphQL user result as X sends it since 2025: screen_name and name moved to `core`, the
 * avatar to `avatar`, while `legacy` still carries them too (older clients, and bird, read either).
 */
export function graphqlUser(a: FakeXAccount) {
  return {
    __typename: 'User',
    id: Buffer.from(`User:${a.userId}`).toString('base64'),
    rest_id: a.userId,
    is_blue_verified: false,
    core: { created_at: createdAt, name: a.name, screen_name: a.screenName },
    avatar: { image_url: avatarOf(a) },
    legacy: {
      screen_name: a.screenName,
      name: a.name,
      description: a.bio ?? '',
      profile_image_url_https: avatarOf(a),
      followers_count: 10,
      friends_count: 20,
      statuses_count: 100,
      created_at: createdAt,
      verified: false,
      // X sends legacy.protected only on protected profiles.
      ...(a.protected ? { protected: true } : {}),
    },
  };
}

/**
 * What X shows of a protected profile to someone who may not see it: ids and names, no description
 * and no avatar (a client that reads the missing description as "" would empty the bio).
 */
export function graphqlProtectedUser(a: FakeXAccount) {
  return {
    __typename: 'User',
    rest_id: a.userId,
    core: { screen_name: a.screenName, name: a.name },
    legacy: { protected: true, screen_name: a.screenName, name: a.name },
  };
}

export const graphqlUnavailableUser = {
  __typename: 'UserUnavailable',
  reason: 'Suspended',
  message: 'User is suspended',
};

/** The v1.1 REST user object (users/show.json, verify_credentials.json). */
export function restUser(a: FakeXAccount) {
  return {
    id: Number(a.userId),
    id_str: a.userId,
    screen_name: a.screenName,
    name: a.name,
    description: a.bio ?? '',
    profile_image_url_https: avatarOf(a),
    followers_count: 10,
    friends_count: 20,
    statuses_count: 100,
    created_at: createdAt,
    verified: false,
    protected: a.protected === true,
  };
}

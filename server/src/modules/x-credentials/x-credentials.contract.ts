/**
 * What publishing, media and metrics ask of credentials: how a job gets a session
 * that can write to X for one Perch user. Implemented by createXCredentials (x-credentials.service.ts).
 */
import type { PublishingStatus } from '@perch/shared';
import type { XWriteSession } from '../x-api-v2/x-api-v2.write.ts';

export type PublishSessionResult =
  | {
      ok: true;
      session: XWriteSession;
      kind: 'oauth2' | 'oauth1';
      /** The X account both credentials belong to (the user's connection). */
      xUserId: string;
      handle: string;
      canUploadMedia: boolean;
      maxWeightedLength: number;
      /**
       * OAuth 1.0a: which X app signs (a hash of its API key), for the app's own 24-hour budget. Absent for OAuth
       * 2.0, whose app is Perch's X_CLIENT_ID, the same for every user.
       */
      appKey?: string;
    }
  | {
      ok: false;
      /** not_configured: no credential can publish; expired: the grant is gone; unavailable: X could not refresh now. */
      reason: 'not_configured' | 'expired' | 'unavailable';
      /** A plain sentence for the user (what to do). */
      sentence: string;
    };

export interface PublishSessions {
  /** A session for this user's X account with the credential that publishes (OAuth 2.0 first, then OAuth 1.0a). */
  session(userId: string): Promise<PublishSessionResult>;
  status(userId: string): Promise<PublishingStatus>;
}

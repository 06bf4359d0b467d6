/**
 * What publishing asks of media: media are stored in Perch (PostgreSQL, in 1 MiB chunks, so
 * any process can publish them) and sent to X when a post needs them. Implemented by createXMedia (x-media.service.ts).
 */
import type { MediaKind, MediaView } from '@perch/shared';
import type { XWriteSession } from '../x-api-v2/x-api-v2.write.ts';

export interface StoredMediaInfo {
  kind: MediaKind;
  mimeType: string;
  bytes: number;
}

export type MediaOnXResult =
  | { ok: true; xMediaIds: string[] }
  | {
      ok: false;
      /** A plain sentence: X's processing reason, a missing media.write, a network failure … */
      reason: string;
      /** true: trying again later can help (network, 5xx, budget); false: the user must change the post. */
      retryable: boolean;
      /** When the media endpoints' budget opens again, if that is what stopped it. */
      waitUntil?: Date;
      /** Which of the given media ids failed. */
      mediaId?: string;
    };

export interface EnsureOnXOptions {
  /**
   * false: the session's grant lacks media.write (PublishSessionResult.canUploadMedia); answered before any
   * request to X, not after X refuses.
   */
  canUploadMedia?: boolean;
  /** Stops between steps (a graceful shutdown); the next call resumes from there. */
  signal?: AbortSignal;
}

export interface XMediaForPublishing {
  /** Type and size of each of the user's media ids; ids that are not the user's are missing from the map. */
  describe(userId: string, mediaIds: string[]): Promise<Map<string, StoredMediaInfo>>;
  views(userId: string, mediaIds: string[]): Promise<MediaView[]>;
  /**
   * Sends each media to X (or resumes its upload with the same media id while X keeps it), sets its alt text,
   * waits for processing as X's check_after_secs says (with a cap), and returns X's media ids in order. A media
   * X already has (and has not expired) is not sent again. `onProgress` gets 0–100 over all of them.
   */
  ensureOnX(
    userId: string,
    mediaIds: string[],
    session: XWriteSession,
    onProgress?: (percent: number) => void,
    options?: EnsureOnXOptions,
  ): Promise<MediaOnXResult>;
}

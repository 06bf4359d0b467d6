import type { ConnectionDescription, ConnectionState, ConnectionStatus } from '@perch/shared';

export type WordField = 'handle' | 'detail' | 'retryAt';

/** Per state: which status fields change the words, and the words for each present/absent combination ('10'…). */
export type ConnectionWords = Record<ConnectionState, { uses: WordField[]; variants: Record<string, ConnectionDescription> }>;

export const markers: { handle: string; detail: string; retryAt: string };
export function formatRetryAt(iso: string): string;
export function describeStatus(
  words: ConnectionWords,
  status: Pick<ConnectionStatus, 'state' | 'handle' | 'retryAt' | 'detail'>,
): ConnectionDescription;

/**
 * Messages the extension accepts: from Perch's web pages (runtime.onMessageExternal) and from its own popup.
 *
 * @example
 * chrome.runtime.sendMessage(PERCH_EXTENSION_ID, { type: 'perch.pair', serverUrl: location.origin, code })
 */
import { z } from 'zod';
import { ConnectionStatus } from './connection-state.ts';

export const ExternalMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('perch.ping') }),
  z.object({ type: z.literal('perch.pair'), serverUrl: z.url(), code: z.string() }),
]);
export type ExternalMessage = z.infer<typeof ExternalMessage>;

export const PopupMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('popup.getView') }),
  z.object({ type: z.literal('popup.refresh') }),
  z.object({ type: z.literal('popup.pair'), serverUrl: z.url(), code: z.string() }),
  z.object({ type: z.literal('popup.unpair') }),
]);
export type PopupMessage = z.infer<typeof PopupMessage>;

/** What the popup renders: the server's report, or why there is none. */
export const ExtensionView = z.object({
  paired: z.boolean(),
  serverUrl: z.string().nullable(),
  serverReachable: z.boolean(),
  status: ConnectionStatus.nullable(),
  /** A plain sentence about the last push that failed, if any. */
  lastError: z.string().nullable(),
  pendingRetryAt: z.iso.datetime().nullable(),
});
export type ExtensionView = z.infer<typeof ExtensionView>;

export const MessageReply = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  view: ExtensionView.optional(),
});
export type MessageReply = z.infer<typeof MessageReply>;

/**
 * Typed message handling over the shared schemas: every incoming message is validated with zod before a handler
 * sees it, and every handler answers a MessageReply.
 */
import type { z } from 'zod';
import { ExternalMessage, MessageReply, PopupMessage } from '@perch/shared';

export interface MessageSender {
  /** Origin of the sending page; for external messages Chrome sets it from the real frame, so it can be trusted. */
  origin?: string;
  url?: string;
  id?: string;
}

type SendResponse = (reply: MessageReply) => void;

/** chrome.runtime.onMessage / onMessageExternal, reduced to what we use. */
export interface MessageEvent {
  addListener(
    callback: (message: unknown, sender: MessageSender, sendResponse: SendResponse) => boolean,
  ): void;
}

export type Handlers<M extends { type: string }> = {
  [T in M['type']]: (
    message: Extract<M, { type: T }>,
    sender: MessageSender,
  ) => Promise<MessageReply>;
};

export const notUnderstood = 'Perch did not understand that message.';

function handleMessages<M extends { type: string }>(
  event: MessageEvent,
  schema: z.ZodType<M>,
  handlers: Handlers<M>,
) {
  event.addListener((message, sender, sendResponse) => {
    const parsed = schema.safeParse(message);
    if (!parsed.success) {
      sendResponse({ ok: false, error: notUnderstood });
      return false;
    }
    const handler = handlers[parsed.data.type as M['type']] as (
      m: M,
      s: MessageSender,
    ) => Promise<MessageReply>;
    handler(parsed.data, sender).then(sendResponse, (error: unknown) =>
      sendResponse({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
    // Keep the channel open for the async answer (sendResponse form works on every Chrome MV3 version).
    return true;
  });
}

export function registerExternalHandlers(
  event: MessageEvent,
  handlers: Handlers<ExternalMessage>,
): void {
  handleMessages(event, ExternalMessage, handlers);
}

export function registerPopupHandlers(event: MessageEvent, handlers: Handlers<PopupMessage>): void {
  handleMessages(event, PopupMessage, handlers);
}

/** The popup's side: send a PopupMessage, get a validated MessageReply. */
export async function sendPopupMessage(
  runtime: { sendMessage(message: unknown): Promise<unknown> },
  message: PopupMessage,
): Promise<MessageReply> {
  return MessageReply.parse(await runtime.sendMessage(message));
}

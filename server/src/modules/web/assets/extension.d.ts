import type { ExternalMessage, MessageReply } from '@perch/shared';

export interface ExtensionRuntime {
  sendMessage(extensionId: string, message: unknown, callback: (reply: unknown) => void): void;
  lastError?: { message?: string };
}

export type ExtensionReply = MessageReply | { ok: false; missing: true; chromeError?: string } | { ok: false; error: string };

export function sendToExtension(
  extensionId: string,
  message: ExternalMessage,
  runtime?: ExtensionRuntime,
  timeoutMs?: number,
): Promise<ExtensionReply>;
export function canMessageExtensions(runtime?: ExtensionRuntime): boolean;

/**
 * pbs.twimg.com, X's image host: profile avatars at /profile_images/…, fetched without cookies and
 * outside the API's rate limits. Perch's x-fetch sends that host to the same origin as x.com.
 */
import { deflateSync } from 'node:zlib';
import type { AccountStore } from './accounts.ts';
import type { FakeReply } from './replies.ts';
import type { FakeXAccount } from './types.ts';

export const imageHost = 'https://pbs.twimg.com';
export const isImagePath = (path: string) => path.startsWith('/profile_images/');

/** Where an account's avatar lives when the test gives none: its own path on pbs.twimg.com, like X's. */
export const defaultAvatarUrl = (userId: string) =>
  `${imageHost}/profile_images/${userId}/avatar_normal.png`;

/** What pbs.twimg.com sends for an avatar path, or a 404 for a path no account uses (any more). */
export function answerImage(path: string, accounts: AccountStore): FakeReply {
  const account = accounts.byAvatarPath(path);
  if (!account) return { status: 404, body: 'Not Found', contentType: 'text/plain; charset=utf-8' };
  const image = account.avatarImage ?? {
    contentType: 'image/png',
    body: solidPng(colourOf(account)),
  };
  return {
    status: 200,
    body: Buffer.from(image.body),
    contentType: image.contentType,
    headers: { 'cache-control': 'max-age=604800' },
  };
}

/** A colour of the account's own (a hue from its id), so two avatars never look or weigh the same. */
function colourOf(account: FakeXAccount): [number, number, number] {
  let h = 2166136261;
  for (const ch of account.userId) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const hue = (Math.imul(h, 2654435761) >>> 0) % 360;
  // hsl(hue 55% 55%) in RGB
  const [saturation, lightness] = [0.55, 0.55];
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/** A 48×48 PNG in one colour (X's "_normal" size). */
export function solidPng([r, g, b]: [number, number, number], size = 48): Buffer {
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat()),
  ]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

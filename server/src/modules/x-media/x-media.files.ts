/**
 * What a file's first bytes say it is. The Content-Type a browser sends comes from the file name; X refuses a
 * file whose bytes are another type only after the whole upload, so Perch checks at the first bytes.
 */
export const sniffBytes = 12;

type Family = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'isobmff';

const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));

/** The family the bytes belong to, or null when they are none Perch publishes. */
export function sniffFamily(head: Uint8Array): Family | null {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  // MP4 and QuickTime are both ISO base media files: a box size, then a box type. An MP4 starts with ftyp; an
  // older .mov can start with moov, mdat, wide, free, skip or pnot. X takes either container under either type.
  if (['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(ascii(head, 4, 8)))
    return 'isobmff';
  return null;
}

const familyOf = (mimeType: string): Family =>
  mimeType === 'video/mp4' || mimeType === 'video/quicktime' ? 'isobmff' : (mimeType as Family);

const names: Record<Family, string> = {
  'image/jpeg': 'a JPEG image',
  'image/png': 'a PNG image',
  'image/gif': 'a GIF',
  'image/webp': 'a WebP image',
  isobmff: 'an MP4 or QuickTime video',
};

/** A sentence when the bytes are not the declared type; null when they match. */
export function magicProblem(mimeType: string, head: Uint8Array): string | null {
  const declared = familyOf(mimeType);
  const found = sniffFamily(head);
  if (found === declared) return null;
  return found
    ? `The file is sent as ${names[declared]} but its contents are ${names[found]}; choose the file again or save it in the right format.`
    : `The file is sent as ${names[declared]} but its contents are not; it may be damaged or of another type.`;
}

/** The name shown for a file: the header's value (percent-encoded, as browsers allow only ASCII), without a path. */
export function cleanFileName(header: string | undefined): string {
  let name = header ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // an unencoded name with a stray '%' is kept as sent
  }
  name = name
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return name.slice(0, 255) || 'file';
}

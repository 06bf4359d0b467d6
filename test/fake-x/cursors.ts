// Strict mode's cursors: opaque strings like X's ("DAABCgABGRk…", base64 of a Thrift struct), not the
// readable "bottom:<id>" of the kind mode, so a client can only hand them back. Each carries the
// pagination's session (the cursor entries' ids stay the same across its pages, which X's
// TimelineReplaceEntry instructions rely on) and a page number, so that no two cursors are equal,
// not even past the end: a client that stops on "same cursor as last time" never stops.

export interface CursorPosition {
  /** 'bottom' pages towards older tweets, 'top' asks for newer ones. */
  direction: 'top' | 'bottom';
  /** Newest tweet id shown so far in this pagination ('0' before any). */
  top: string;
  /** Oldest tweet id shown so far ('0' before any). */
  bottom: string;
  /** The pagination's session: the cursor entries' sort index. */
  session: string;
  /** Pages served in this pagination when the cursor was made. */
  page: number;
}

const prefix = 'DAAHCgABG';

export function encodeCursor(position: CursorPosition): string {
  const { direction, top, bottom, session, page } = position;
  return (
    prefix +
    Buffer.from(JSON.stringify([direction === 'top' ? 1 : 0, top, bottom, session, page])).toString(
      'base64url',
    )
  );
}

/** The position a cursor stands for, or null for anything the fake did not make. */
export function decodeCursor(value: unknown): CursorPosition | null {
  if (typeof value !== 'string' || !value.startsWith(prefix)) return null;
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(value.slice(prefix.length), 'base64url').toString('utf8'),
    );
    if (!Array.isArray(parsed) || parsed.length !== 5) return null;
    const [direction, top, bottom, session, page] = parsed as unknown[];
    const digits = (x: unknown): x is string => typeof x === 'string' && /^\d+$/.test(x);
    if ((direction !== 0 && direction !== 1) || !digits(top) || !digits(bottom) || !digits(session))
      return null;
    if (typeof page !== 'number' || !Number.isInteger(page)) return null;
    return { direction: direction === 1 ? 'top' : 'bottom', top, bottom, session, page };
  } catch {
    return null;
  }
}

/**
 * Keyset paging, written once for every list: a page is the rows after the previous page's last one in a fixed
 * order of two keys (a sort value, then the row id to break ties), `WHERE (a, b) > (x, y) ORDER BY a, b LIMIT n`.
 * Unlike OFFSET this reads only the page from an index on (owner, a, b), however deep the page, and a row inserted
 * meanwhile never shifts the pages after it. The cursor is that last row's two keys as base64url JSON: opaque to
 * clients, checked against the list's own shape when it comes back (a forged cursor only moves where the page
 * starts; the owner's WHERE still decides whose rows are read).
 */
import { asc, desc, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { z, type ZodType } from 'zod';
import { problems } from './http-problem.ts';

/** A timestamp as Date#toISOString gives it and nothing else, so that a forged one never reaches PostgreSQL's parser. */
export const isoInstant = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(s) &&
      !Number.isNaN(Date.parse(s)) &&
      new Date(s).toISOString() === s,
  );

export type Keys = readonly [string, string];

export interface KeysetOrder<Row> {
  /** The sort value and the tie-breaker (the row id), both in `direction`. */
  columns: readonly [SQLWrapper, SQLWrapper];
  /** PostgreSQL types the cursor's two values are cast to, e.g. ['timestamptz', 'uuid']. */
  types: readonly [string, string];
  direction: 'asc' | 'desc';
  /** What a cursor must decode to (both strings), checked before any query. */
  cursor: ZodType<Keys>;
  /** A row's keys, as strings in the same form `cursor` accepts. */
  keysOf: (row: Row) => Keys;
}

const badCursor = (message: string) => problems.invalidRequest([{ path: 'cursor', message }]);

export const encodeCursor = (keys: Keys) => Buffer.from(JSON.stringify(keys)).toString('base64url');

/** The keys in a cursor, or a 400 problem naming `cursor` when it is not one this list gave out. */
export function decodeCursor(cursor: string, shape: ZodType<Keys>): Keys {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('This is not a cursor Perch gave out; pass a page’s nextCursor unchanged.');
  }
  const parsed = shape.safeParse(value);
  if (!parsed.success)
    throw badCursor(
      'This cursor does not belong to this list; pass a page’s nextCursor unchanged.',
    );
  return parsed.data;
}

/** The WHERE condition for the rows after `cursor` (undefined on the first page), the ORDER BY, and the page cut. */
export function keyset<Row>(order: KeysetOrder<Row>) {
  const [a, b] = order.columns;
  const [ta, tb] = order.types.map((t) => sql.raw(t));
  const ordered = order.direction === 'asc' ? asc : desc;
  return {
    after(cursor: string | undefined): SQL | undefined {
      if (cursor === undefined) return undefined;
      const [x, y] = decodeCursor(cursor, order.cursor);
      // A row comparison, so that PostgreSQL reads it as one index condition on (a, b).
      return order.direction === 'asc'
        ? sql`(${a}, ${b}) > (${x}::${ta}, ${y}::${tb})`
        : sql`(${a}, ${b}) < (${x}::${ta}, ${y}::${tb})`;
    },
    orderBy: [ordered(a), ordered(b)] as const,
    /** Query `limit + 1` rows; this keeps `limit` of them and says where the next page starts, if there is one. */
    page(rows: Row[], limit: number): { rows: Row[]; nextCursor: string | null } {
      if (rows.length <= limit) return { rows, nextCursor: null };
      const kept = rows.slice(0, limit);
      return { rows: kept, nextCursor: encodeCursor(order.keysOf(kept[kept.length - 1]!)) };
    },
  };
}

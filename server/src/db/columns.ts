import { customType } from 'drizzle-orm/pg-core';

/**
 * drizzle has no bytea column. postgres.js hands back a Buffer and PGlite a Uint8Array: wrapped as a Buffer, not
 * copied, since a value can be a whole MiB (a media chunk).
 */
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) =>
    Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

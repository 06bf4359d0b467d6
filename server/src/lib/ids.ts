import { createHash } from 'node:crypto';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path id can be a row id at all; checked before querying, so a malformed id is a 404, not a database error. */
export const isUuid = (id: string) => uuidPattern.test(id);

/** SHA-256, base64url: how Perch stores tokens and codes it only needs to recognise. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

import { z } from 'zod';

// X's cookies are opaque tokens; the bounds only keep garbage and abuse out.
const cookieValue = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, 'Cookie values are printable ASCII without spaces.');

export const XCookiePair = z.object({ authToken: cookieValue, ct0: cookieValue });
export type XCookiePair = z.infer<typeof XCookiePair>;

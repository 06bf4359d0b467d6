import { z } from 'zod';

/** RFC 9457 problem details, the body of every API error. */
export const Problem = z.object({
  type: z.string().default('about:blank'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** The X-Request-Id of the answer: the server's log lines for this request carry it. */
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

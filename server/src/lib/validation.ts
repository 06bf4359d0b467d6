import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { ProblemError } from './http-problem.ts';

/** zod-validated JSON body; a bad body is a 400 problem naming each field, in plain words. */
export const validJson = <T extends ZodType>(schema: T) =>
  zValidator('json', schema, (result) => {
    if (!result.success) {
      const errors = result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
      throw new ProblemError(400, 'request.invalid', 'The request is not valid', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
    }
  });

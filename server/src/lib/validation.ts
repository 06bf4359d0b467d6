import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { ProblemError } from './http-problem.ts';

/** A 400 problem naming each bad field (`whole` stands for the value itself), in plain words. */
function invalid(issues: { path: PropertyKey[]; message: string }[], whole: string): ProblemError {
  const errors = issues.map((i) => ({ path: i.path.map(String).join('.') || whole, message: i.message }));
  return new ProblemError(400, 'request.invalid', 'The request is not valid', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/** zod-validated JSON body; a bad body is a 400 problem naming each field, in plain words. */
export const validJson = <T extends ZodType>(schema: T) =>
  zValidator('json', schema, (result) => {
    if (!result.success) throw invalid(result.error.issues, '(body)');
  });

/** zod-validated query string (`?limit=&cursor=` and the like); a bad parameter is a 400 problem naming it. */
export const validQuery = <T extends ZodType>(schema: T) =>
  zValidator('query', schema, (result) => {
    if (!result.success) throw invalid(result.error.issues, '(query)');
  });

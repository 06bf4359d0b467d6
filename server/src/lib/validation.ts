import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { documentsInput } from './api-docs.ts';
import { problems } from './http-problem.ts';

const invalid = (
  result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } },
  whole: string,
) => {
  if (result.success) return;
  const errors = result.error!.issues.map((i) => ({
    path: i.path.map(String).join('.') || whole,
    message: i.message,
  }));
  throw problems.invalidRequest(errors);
};

/** zod-validated JSON body; a bad body is a 400 problem naming each field, in plain words. Documented as the route's request body. */
export const validJson = <T extends ZodType>(schema: T) =>
  documentsInput(
    'json',
    schema,
    zValidator('json', schema, (result) => invalid(result, '(body)')),
  );

/** zod-validated query parameters, 400 like validJson; documented as the route's query parameters. */
export const validQuery = <T extends ZodType>(schema: T) =>
  documentsInput(
    'query',
    schema,
    zValidator('query', schema, (result) => invalid(result, '(query)')),
  );

import type { ParameterError } from './problems.ts';

/** API v2 query checks, with X's messages. */
export interface QueryCheck {
  /** Unknown parameter names. */
  errors: ParameterError[];
  /** A comma-separated list parameter, each item checked against `values`; undefined when absent. */
  list(name: string, values: string[], into: ParameterError[]): string[] | undefined;
}

export function checkQuery(query: URLSearchParams, allowed: string[]): QueryCheck {
  const errors: ParameterError[] = [];
  for (const name of new Set(query.keys())) {
    if (!allowed.includes(name)) {
      errors.push({
        parameters: { [name]: query.getAll(name) },
        message: `The query parameter [${name}] is not one of [${allowed.join(',')}]`,
      });
    }
  }
  return {
    errors,
    list(name, values, into) {
      const raw = query.get(name);
      if (raw === null) return undefined;
      const items = raw.split(',');
      for (const item of items) {
        if (!values.includes(item)) {
          into.push({
            parameters: { [name]: [raw] },
            message: `The \`${name}\` query parameter value [${item}] is not one of [${values.join(',')}]`,
          });
        }
      }
      return items;
    },
  };
}

export function patternError(
  name: string,
  value: string,
  pattern: string,
  where: 'path' | 'query',
): ParameterError {
  return {
    parameters: { [name]: [value] },
    message: `The \`${name}\` ${where} parameter value [${value}] does not match ${pattern}`,
  };
}

/**
 * Checks an answer against the served OpenAPI document: the status is one the operation documents, the content
 * type one of that answer's media types, and a JSON body validates (ajv, JSON Schema 2020-12) against its schema,
 * additionalProperties: false included. So a route test fails when a route answers what its description does not say.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { apiBasePath, type OpenApiDocument } from '../modules/api-docs/openapi.ts';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };

/** JSON Pointer escaping (RFC 6901), for the ref into the document. */
const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export function createDocumentedCheck(loadDocument: () => Promise<OpenApiDocument>) {
  let ready: Promise<{ doc: OpenApiDocument; ajv: Ajv2020 }> | undefined;
  const load = async () => {
    const doc = await loadDocument();
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    ajv.addFormat('binary', true);
    ajv.addSchema(doc as object, 'perch-openapi');
    return { doc, ajv };
  };

  /**
   * @param operation 'METHOD /api/v1/path', the path as the route file writes it (':id' or '{id}').
   * @returns the parsed JSON body (undefined for other bodies), for the test's own assertions.
   * @example const { user } = await t.expectDocumented(res, 'POST /api/v1/auth/sign-up', 201);
   */
  return async function expectDocumented<T = unknown>(
    res: Response,
    operation: string,
    status: number,
  ): Promise<T> {
    const { doc, ajv } = await (ready ??= load());
    const [method = '', fullPath = ''] = operation.split(' ');
    const path = fullPath.replace(/:(\w+)/g, '{$1}').slice(apiBasePath.length);
    const op = (doc.paths as Record<string, Record<string, Operation>>)[path]?.[
      method.toLowerCase()
    ];
    const text = await res.clone().text();
    expect(op, `${operation} is not in the API document`).toBeDefined();
    expect(res.status, `${operation} answered ${res.status}: ${text.slice(0, 300)}`).toBe(status);
    const answer = op!.responses[String(status)];
    expect(answer, `${operation} does not document a ${status} answer`).toBeDefined();
    const type = res.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    if (!answer!.content) {
      expect(text, `${operation} ${status} documents no body`).toBe('');
      return undefined as T;
    }
    const media = Object.keys(answer!.content).find(
      (m) => m === type || (m.endsWith('/*') && type.startsWith(m.slice(0, -1))),
    );
    expect(
      media,
      `${operation} ${status} answered ${type || 'no content type'}; documented: ${Object.keys(answer!.content).join(', ')}`,
    ).toBeDefined();
    if (!/[/+]json$/.test(media!)) return undefined as T;
    const body = JSON.parse(text) as T;
    const validate = ajv.getSchema(
      `perch-openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', media!, 'schema')}`,
    )!;
    if (!validate(body)) {
      expect.fail(
        `${operation} ${status} does not match its documented schema: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}\n${text.slice(0, 500)}`,
      );
    }
    return body;
  };
}

import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Checks the fake's API v2 answers against X's own OpenAPI document (x-api-v2-openapi.json, version
 * 2.167, copied from X's published spec): status, content type and body must be what the document
 * allows for that path and method. Paths the document does not describe (the OAuth token and revoke
 * endpoints, the authorize page, the cookie API) are not checked.
 */
export interface OpenApiValidator {
  /** Problems with one answer, [] when it matches; null when the document does not describe the path. */
  check(answer: OpenApiAnswer): string[] | null;
}

export interface OpenApiAnswer {
  method: string;
  path: string;
  status: number;
  /** The content-type header as sent; parameters (charset) are ignored. */
  contentType: string;
  /** The body as it went on the wire, parsed back from JSON (undefined for an empty body). */
  body: unknown;
}

/** An answer that broke the document: the test run must fail on it. */
export interface OpenApiViolation {
  method: string;
  path: string;
  status: number;
  problems: string[];
}

export type OpenApiDocument = {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
interface OpenApiOperation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const documentUrl = new URL('./x-api-v2-openapi.json', import.meta.url);
const documentId = 'https://perch.invalid/x-api-v2-openapi.json';

let publishedDocument: OpenApiDocument | undefined;
/** X's document as published. Read once, on first use; callers get their own copy. */
export function readPublishedXApiDocument(): OpenApiDocument {
  publishedDocument ??= JSON.parse(readFileSync(documentUrl, 'utf8')) as OpenApiDocument;
  return structuredClone(publishedDocument);
}

/** X's document with the known deviations below applied: what the fake is held to. */
export function loadXApiDocument(): OpenApiDocument {
  return withKnownDeviations(readPublishedXApiDocument());
}

/**
 * Where X's live answers and its document disagree, the fake answers like X and the document is widened,
 * here and nowhere else:
 * 1. Errors raised before the request reaches the API service (401 for a bad token, 403 for missing
 *    scopes, 429 for an exhausted budget, 503) are RFC 7807 problems with `"type":"about:blank"`, e.g.
 *    `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`.
 *    The document's Problem is a oneOf of X-specific types only.
 * 2. X still sends problem types under https://api.twitter.com/2/problems/…; the document's enums list
 *    only the https://api.x.com/2/problems/… spelling. Both are accepted.
 * 3. X refuses an app with problems 2.167 no longer lists: 403 client-forbidden (the app is not attached
 *    to a Project) and 429 usage-capped (the Project's monthly cap is used up). They are accepted as
 *    ClientForbiddenProblem (reason, registration_url) and UsageCapExceededProblem (period, scope) of X's
 *    earlier documents, with the fields X sends besides (client_id, required_enrollment; account_id,
 *    product_name). And a pay-per-use account whose prepaid credits are spent gets 402
 *    {"title":"CreditsDepleted","detail":"Your enrolled account [<id>] does not have any credits to fulfill
 *    this request.","type":"https://api.twitter.com/2/problems/credits"} as application/json, where the
 *    document has only its legacy Error {code, message}; no version of the document describes it
 *    (problems.ts has the sources).
 * 4. X answers with the old names as well as the document's (x-write-side.md, fact 5): a Post's
 *    public_metrics may have retweet_count instead of repost_count, a User's tweet_count instead of
 *    post_count. Either spelling is accepted; one of the two is required.
 * 5. A failed media processing carries processing_info.error {code, name, message} (X's media
 *    docs; twitter-api-v2 reads info.error.message); the document's ProcessingInfo objects forbid it.
 * 6. An app-only token on a user-context endpoint gets 403 unsupported-authentication (X's body as
 *    clients log it); 2.167 has no such problem type.
 */
export function withKnownDeviations(document: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(document);
  const schemas = copy.components.schemas;
  for (const [name, schema] of Object.entries(schemas)) {
    if (!name.endsWith('Problem')) continue;
    const type = (schema.properties as Record<string, { enum?: string[] }> | undefined)?.type;
    if (!type?.enum) continue;
    type.enum = [
      ...type.enum,
      ...type.enum.map((t) => t.replace('https://api.x.com/', 'https://api.twitter.com/')),
    ];
  }
  schemas.GatewayProblem = {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', enum: ['about:blank'] },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
    },
  };
  const types = (name: string) => ({
    type: 'string',
    enum: [`https://api.x.com/2/problems/${name}`, `https://api.twitter.com/2/problems/${name}`],
  });
  const common = {
    title: { type: 'string' },
    detail: { type: 'string' },
    status: { type: 'integer' },
  };
  schemas.ClientForbiddenProblem = {
    type: 'object',
    required: ['type', 'title', 'detail'],
    properties: {
      type: types('client-forbidden'),
      ...common,
      reason: { type: 'string', enum: ['official-client-forbidden', 'client-not-enrolled'] },
      registration_url: { type: 'string', format: 'uri' },
      client_id: { type: 'string' },
      required_enrollment: { type: 'string' },
    },
  };
  schemas.UsageCapExceededProblem = {
    type: 'object',
    required: ['type', 'title', 'detail'],
    properties: {
      type: types('usage-capped'),
      ...common,
      period: { type: 'string', enum: ['Daily', 'Monthly'] },
      scope: { type: 'string', enum: ['Account', 'Product'] },
      account_id: { type: 'integer' },
      product_name: { type: 'string' },
    },
  };
  schemas.CreditsDepletedProblem = {
    type: 'object',
    required: ['type', 'title', 'detail'],
    properties: { type: types('credits'), ...common },
  };
  schemas.UnsupportedAuthenticationProblem = {
    type: 'object',
    required: ['type', 'title', 'detail'],
    properties: { type: types('unsupported-authentication'), ...common },
  };
  const renamed = (name: string, from: string, to: string) => {
    const schema = schemas[name] as { required?: string[]; properties: Record<string, unknown> };
    const legacy = structuredClone(schema);
    legacy.properties[to] = legacy.properties[from];
    delete legacy.properties[from];
    legacy.required = legacy.required?.map((r) => (r === from ? to : r));
    schemas[name] = { anyOf: [schema, legacy] };
  };
  renamed('PostPublicMetrics', 'repost_count', 'retweet_count');
  renamed('UserPublicMetrics', 'post_count', 'tweet_count');
  for (const name of [
    'FinalizeMediaUploadResponseDataProcessingInfo',
    'GetMediaUploadStatusResponseDataProcessingInfo',
    'MediaUploadResponseDataProcessingInfo',
  ]) {
    const info = schemas[name] as { properties?: Record<string, unknown> } | undefined;
    if (info?.properties)
      info.properties.error = {
        type: 'object',
        required: ['message'],
        properties: {
          code: { type: 'integer' },
          name: { type: 'string' },
          message: { type: 'string' },
        },
      };
  }
  const problem = schemas.Problem as { oneOf: unknown[] };
  problem.oneOf = [
    ...problem.oneOf,
    { $ref: '#/components/schemas/GatewayProblem' },
    { $ref: '#/components/schemas/ClientForbiddenProblem' },
    { $ref: '#/components/schemas/UsageCapExceededProblem' },
    { $ref: '#/components/schemas/UnsupportedAuthenticationProblem' },
  ];
  // The legacy Error stays what application/json errors are, besides the 402.
  schemas.LegacyError = schemas.Error!;
  schemas.Error = {
    oneOf: [
      { $ref: '#/components/schemas/LegacyError' },
      { $ref: '#/components/schemas/CreditsDepletedProblem' },
    ],
  };
  return copy;
}

// ajv-formats is CommonJS with a default export; under NodeNext-style interop it arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export function createOpenApiValidator(
  document: OpenApiDocument = loadXApiDocument(),
): OpenApiValidator {
  // OpenAPI 3.0 schemas are JSON Schema plus a few keywords: ajv knows `nullable`; `discriminator`
  // (with a mapping ajv does not support) is ignored, so a Problem is told apart by its oneOf, whose
  // variants each require a distinct `type` enum. strict: false because the document carries
  // annotations (example, externalDocs…) that strict mode refuses.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'double', 'byte', 'binary']) {
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
  ajv.addSchema({ $id: documentId, components: document.components, paths: document.paths });

  const routes = Object.keys(document.paths)
    .map((template) => ({ template, pattern: templatePattern(template) }))
    // A literal segment beats a parameter: /2/users/me before /2/users/{id}.
    .sort((a, b) => paramCount(a.template) - paramCount(b.template));
  const compiled = new Map<string, ValidateFunction>();

  return {
    check({ method, path, status, contentType, body }) {
      const route = routes.find((r) => r.pattern.test(path));
      const operation = route && document.paths[route.template]?.[method.toLowerCase()];
      if (!route || !operation) return null;
      const responses = operation.responses ?? {};
      const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find(
        (k) => k in responses,
      );
      if (!statusKey) return [`status ${status} is not documented`];
      const content = responses[statusKey]?.content;
      if (!content)
        return body === undefined ? [] : [`status ${status} is documented without a body`];
      const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
      if (!(mediaType in content)) {
        return [
          `content-type ${mediaType} is not documented for ${status} (${Object.keys(content).join(', ')})`,
        ];
      }
      const key = `${route.template} ${method.toLowerCase()} ${statusKey} ${mediaType}`;
      let validate = compiled.get(key);
      if (!validate) {
        const pointer = [
          'paths',
          route.template,
          method.toLowerCase(),
          'responses',
          statusKey,
          'content',
          mediaType,
          'schema',
        ]
          .map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1'))
          .join('/');
        validate = ajv.compile({ $ref: `${documentId}#/${pointer}` });
        compiled.set(key, validate);
      }
      if (validate(body)) return [];
      const problems = (validate.errors ?? []).map(
        (e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`,
      );
      return [...new Set(problems)];
    },
  };
}

let sharedValidator: OpenApiValidator | undefined;
/** One validator for every fake in the process: compiling the document's schemas takes a while. */
export function xApiValidator(): OpenApiValidator {
  sharedValidator ??= createOpenApiValidator();
  return sharedValidator;
}

const paramCount = (template: string) => (template.match(/\{/g) ?? []).length;

function templatePattern(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}$`);
}

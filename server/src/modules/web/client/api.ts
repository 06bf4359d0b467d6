/**
 * Same-origin JSON calls to Perch's /api/v1, with every failure turned into one plain sentence.
 */

/** An API call that failed; `sentence` is safe to show as it is. */
export class ApiError extends Error {
  constructor(
    readonly sentence: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(sentence);
  }
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const notUnderstood = 'The server sent an answer this page does not understand.';

/**
 * Calls the API and returns `{ body, response }`; throws ApiError with a sentence on any failure. `T` is what the
 * caller expects the route to answer (the server's routes are typed by the same @perch/shared schemas).
 */
export async function request<T = unknown>(
  method: Method,
  path: string,
  payload?: unknown,
): Promise<{ body: T; response: Response }> {
  // Every state-changing call carries a JSON body (an empty object when there is nothing to say), so the
  // server sees the same content-type on every POST.
  const body = payload === undefined && method === 'POST' ? {} : payload;
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      'Perch could not reach its server. Check that it is running, then try again.',
      0,
    );
  }
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    let problem: unknown = null;
    if (type.includes('json')) problem = await response.json().catch(() => null);
    const sentence =
      problemSentence(problem) ??
      `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
    const code = (problem as { code?: unknown } | null)?.code;
    throw new ApiError(sentence, response.status, typeof code === 'string' ? code : undefined);
  }
  if (response.status === 204) return { body: null as T, response };
  if (!type.includes('json')) throw new ApiError(notUnderstood, response.status);
  const json = (await response.json().catch(() => {
    throw new ApiError(notUnderstood, response.status);
  })) as T;
  return { body: json, response };
}

/** Like request(), but returns only the parsed body. */
export async function api<T = unknown>(
  method: Method,
  path: string,
  payload?: unknown,
): Promise<T> {
  return (await request<T>(method, path, payload)).body;
}

/** The sentence for a problem+json body: its detail, else its field messages, else its title. */
export function problemSentence(problem: unknown): string | null {
  if (!problem || typeof problem !== 'object') return null;
  const p = problem as { detail?: unknown; title?: unknown; errors?: unknown };
  const fields = Array.isArray(p.errors)
    ? p.errors
        .map((e: { message?: unknown } | null) =>
          e && typeof e.message === 'string' ? sentence(e.message) : '',
        )
        .filter(Boolean)
    : [];
  if (typeof p.detail === 'string' && p.detail.trim()) return sentence(p.detail);
  if (fields.length) return fields.join(' ');
  if (typeof p.title === 'string' && p.title.trim()) return sentence(p.title);
  return null;
}

/** Ends a phrase with a full stop unless it already has one. */
export function sentence(text: string): string {
  const t = String(text).trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

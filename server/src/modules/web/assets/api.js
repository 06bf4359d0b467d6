/**
 * Same-origin JSON calls to Perch's /api/v1, with every failure turned into one plain sentence.
 * Browser module (no bundler): served as /assets/api.js and imported by auth.js and settings.js.
 */

/** An API call that failed; `sentence` is safe to show as it is. */
export class ApiError extends Error {
  constructor(sentence, status, code) {
    super(sentence);
    this.sentence = sentence;
    this.status = status;
    this.code = code;
  }
}

/** Calls the API and returns `{ body, response }`; throws ApiError with a sentence on any failure. */
export async function request(method, path, payload) {
  // Every state-changing call carries a JSON body (an empty object when there is nothing to say), so the
  // server sees the same content-type on every POST.
  const body = payload === undefined && method === 'POST' ? {} : payload;
  const headers = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Perch could not reach its server. Check that it is running, then try again.', 0);
  }
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    let problem = null;
    if (type.includes('json')) problem = await response.json().catch(() => null);
    const sentence =
      problemSentence(problem) ??
      `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
    throw new ApiError(sentence, response.status, typeof problem?.code === 'string' ? problem.code : undefined);
  }
  if (response.status === 204) return { body: null, response };
  if (!type.includes('json')) throw new ApiError('The server sent an answer this page does not understand.', response.status);
  const json = await response.json().catch(() => {
    throw new ApiError('The server sent an answer this page does not understand.', response.status);
  });
  return { body: json, response };
}

/** Like request(), but returns only the parsed body. */
export async function api(method, path, payload) {
  return (await request(method, path, payload)).body;
}

/** The sentence for a problem+json body: its detail, else its field messages, else its title. */
export function problemSentence(problem) {
  if (!problem || typeof problem !== 'object') return null;
  const fields = Array.isArray(problem.errors)
    ? problem.errors.map((e) => (e && typeof e.message === 'string' ? sentence(e.message) : '')).filter(Boolean)
    : [];
  if (typeof problem.detail === 'string' && problem.detail.trim()) return sentence(problem.detail);
  if (fields.length) return fields.join(' ');
  if (typeof problem.title === 'string' && problem.title.trim()) return sentence(problem.title);
  return null;
}

/** Ends a phrase with a full stop unless it already has one. */
export function sentence(text) {
  const t = String(text).trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

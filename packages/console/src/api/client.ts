import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** Where the CSRF token given at sign-in is kept, so a reload or a new tab can still change things. */
const CSRF_STORAGE_KEY = 'muster.csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Keeps the session's CSRF token (the session cookie itself is HttpOnly and never seen here). */
export function rememberCsrfToken(token: string | null): void {
  if (token === null) localStorage.removeItem(CSRF_STORAGE_KEY);
  else localStorage.setItem(CSRF_STORAGE_KEY, token);
}

/**
 * Every request that changes state carries the CSRF token: the server refuses a cookie-only
 * write (another site's form could send the cookie, but cannot read this token).
 */
const csrf: Middleware = {
  onRequest({ request }) {
    const token = localStorage.getItem(CSRF_STORAGE_KEY);
    if (token && !SAFE_METHODS.has(request.method)) request.headers.set('x-csrf-token', token);
    return request;
  },
};

/**
 * A 401 on any request but the sign-in page's own means the session ended (expired, or signed
 * out everywhere from another browser): the console goes back to its sign-in page.
 */
const sessionEnded: Middleware = {
  onResponse({ request, response }) {
    const path = new URL(request.url).pathname;
    if (response.status === 401 && path !== '/api/v1/session' && path !== '/api/v1/me')
      window.dispatchEvent(new Event('muster:signed-out'));
    return response;
  },
};

/** The typed API client, generated from the server's OpenAPI document (see scripts/generate-api.ts). */
export const api = createClient<paths>({ credentials: 'same-origin' });
api.use(csrf, sessionEnded);

/** An error answer of the API: its HTTP status, code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The data of an answer, or an ApiError with the server's own message: pages show that message
 * as it is, so an administrator reads exactly why something was refused.
 */
export async function ok<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (response.ok) return data as T;
  const body = error as
    | { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
    | undefined;
  throw new ApiError(
    response.status,
    body?.error?.code ?? 'http-error',
    body?.error?.message ?? `${response.status} ${response.statusText}`,
    body?.error?.details ?? {},
  );
}

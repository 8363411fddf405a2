import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the admin commands find the API and its token. The token is looked for in this order:
 * `token` (--api-token / MUSTER_TOKEN); the token file when the user named it (--token-file /
 * MUSTER_TOKEN_FILE); the login stored by `muster login` for this API; the default token file
 * (`<data dir>/admin-token`, present on the server's own host).
 */
export interface ApiOptions {
  api: string;
  token?: string;
  tokenFile: string;
  /** Whether `tokenFile` was named by the user rather than being the default. */
  tokenFileNamed?: boolean;
  /** The token `muster login` stored for this API, and the file it is in (for messages). */
  login?: { token: string; user: string; file: string };
}

/** An API error with the server's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A small client for the admin API used by the CLI commands. */
export class ApiClient {
  private readonly token: string;
  /** Said after a 401 when the token came from `muster login`, so the way out is plain. */
  private readonly loginHint: string | null = null;

  constructor(private readonly options: ApiOptions) {
    const fromFile = () =>
      existsSync(options.tokenFile) ? readFileSync(options.tokenFile, 'utf8').trim() : '';
    let token = options.token || (options.tokenFileNamed ? fromFile() : '');
    if (!token && !options.tokenFileNamed && options.login) {
      token = options.login.token;
      this.loginHint = `the token stored by muster login for ${options.login.user} in ${options.login.file} no longer works; run muster login again`;
    }
    token ||= options.tokenFileNamed ? '' : fromFile();
    if (!token) {
      throw new Error(
        options.tokenFileNamed
          ? `no API token in ${resolve(options.tokenFile)} (named by --token-file or MUSTER_TOKEN_FILE): name a file that holds one, pass --api-token, set MUSTER_TOKEN, or run muster login`
          : `no API token: run muster login, set MUSTER_TOKEN, pass --api-token (or --token-file), or run on the server where ${resolve(options.tokenFile)} exists`,
      );
    }
    this.token = token;
  }

  /** The error of a failed answer; a refused stored login says how to sign in again. */
  private failure(status: number, code: string | undefined, message: string | undefined): ApiError {
    const text = message ?? `HTTP ${status}`;
    return new ApiError(
      status,
      code ?? 'error',
      status === 401 && this.loginHint ? `${text} (${this.loginHint})` : text,
    );
  }

  /**
   * Where and how to open a WebSocket on an API path with this client's token (`muster terminal`):
   * the ws:// or wss:// address beside the API's http:// or https:// one, and the bearer header.
   */
  webSocketTarget(path: string): { url: URL; headers: Record<string, string> } {
    const url = new URL(`${this.options.api.replace(/\/$/, '')}/api/v1${path}`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return { url, headers: { authorization: `Bearer ${this.token}` } };
  }

  /** The ApiError of a request the server refused, from its status and (JSON error) body. */
  refusal(status: number, body: string): ApiError {
    let e: { code?: string; message?: string } | undefined;
    try {
      e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    } catch {
      e = undefined;
    }
    return this.failure(status, e?.code, e?.message);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.options.api.replace(/\/$/, '')}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(`cannot reach the Muster API at ${this.options.api}: ${(error as Error).message}`);
    }
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const e = (parsed as { error?: { code?: string; message?: string } }).error;
      throw this.failure(response.status, e?.code, e?.message);
    }
    return parsed as T;
  }

  /**
   * A request whose body or answer is not JSON (file uploads and downloads): the response is
   * returned as it is when it succeeded, so the caller can stream it; a failure throws ApiError.
   */
  async raw(
    method: string,
    path: string,
    body?: { data: NodeJS.ReadableStream | Uint8Array; contentType: string },
  ): Promise<Response> {
    const url = `${this.options.api.replace(/\/$/, '')}/api/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body ? { 'content-type': body.contentType } : {}),
        },
        // A stream is sent as it is read, so a large upload never sits in memory.
        body: body?.data as RequestInit['body'],
        ...(body && !(body.data instanceof Uint8Array) ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      throw new Error(`cannot reach the Muster API at ${this.options.api}: ${(error as Error).message}`);
    }
    if (response.ok) return response;
    const text = await response.text();
    let e: { code?: string; message?: string } | undefined;
    try {
      e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    } catch {
      e = undefined;
    }
    throw this.failure(response.status, e?.code, e?.message);
  }
}

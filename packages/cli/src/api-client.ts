import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the admin commands find the API and its token. */
export interface ApiOptions {
  api: string;
  token?: string;
  tokenFile: string;
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

  constructor(private readonly options: ApiOptions) {
    const fromFile = existsSync(options.tokenFile) ? readFileSync(options.tokenFile, 'utf8').trim() : '';
    const token = options.token || fromFile;
    if (!token) {
      throw new Error(
        `no API token: set MUSTER_TOKEN, pass --api-token (or --token-file), or run on the server where ${resolve(options.tokenFile)} exists`,
      );
    }
    this.token = token;
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
      throw new ApiError(response.status, e?.code ?? 'error', e?.message ?? `HTTP ${response.status}`);
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
    throw new ApiError(response.status, e?.code ?? 'error', e?.message ?? `HTTP ${response.status}`);
  }
}

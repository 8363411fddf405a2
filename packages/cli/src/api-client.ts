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
        `no API token: set MUSTER_TOKEN, pass --token, or run on the server where ${resolve(options.tokenFile)} exists`,
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
}

/** A failed admin API call, with the HTTP status and the body the server sent. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
    this.name = 'AdminApiError';
  }
}

/** The few admin API calls the benchmark makes, with the bearer token from `<dataDir>/admin-token`. */
export class AdminApi {
  constructor(
    private readonly httpUrl: string,
    private readonly token: string,
  ) {}

  /** Calls `/api/v1<path>` and returns the parsed JSON answer; every call has a time limit. */
  async request<T>(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<T> {
    const response = await fetch(`${this.httpUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new AdminApiError(response.status, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Creates an install token for a group; returns the token text. */
  async createInstallToken(group: string, maxUses: number): Promise<string> {
    const created = await this.request<{ token: string }>('POST', '/install-tokens', { group, maxUses });
    return created.token;
  }

  /** Sets a group's allowed check-in period range. */
  async setCheckinPolicy(group: string, minSeconds: number, maxSeconds: number): Promise<void> {
    await this.request('PUT', `/checkin-policy/${encodeURIComponent(group)}`, { minSeconds, maxSeconds });
  }

  /** Sets the check-in period of every machine matching a Machine.Group ID filter. */
  async setPeriod(filter: string, periodSeconds: number): Promise<{ updated: number }> {
    return this.request('PUT', '/checkin-control', { filter, settings: { periodSeconds } });
  }

  /** The server's status: connected agents among others. */
  async serverStatus(): Promise<{ serverId: string; connectedAgents: number; agentPorts: number[] }> {
    return this.request('GET', '/server', undefined, 10_000);
  }
}

import WebSocket from 'ws';

/** A control message of the terminal WebSocket. */
export interface TerminalControl {
  type: string;
  [key: string]: unknown;
}

/** A test's end of a remote terminal WebSocket: what it printed, what it said, how it closed. */
export class TerminalTestClient {
  /** Everything the terminal printed, decoded as UTF-8. */
  output = '';
  /** Every output frame's bytes, in order. */
  readonly bytes: Buffer[] = [];
  readonly controls: TerminalControl[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        this.bytes.push(data);
        this.output += data.toString('utf8');
      } else this.controls.push(JSON.parse(data.toString('utf8')));
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /**
   * Opens a terminal on `machineId` through the server at `baseUrl` with an API token; resolves
   * once upgraded, or rejects with the HTTP status and body of a refusal.
   */
  static open(
    baseUrl: string,
    token: string,
    machineId: string,
    size: { cols?: number; rows?: number } = {},
  ): Promise<TerminalTestClient> {
    const url = new URL(
      `/api/v1/machines/${encodeURIComponent(machineId)}/terminal`,
      baseUrl.replace(/^http/, 'ws'),
    );
    if (size.cols !== undefined) url.searchParams.set('cols', String(size.cols));
    if (size.rows !== undefined) url.searchParams.set('rows', String(size.rows));
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => reject(new TerminalRefused(res.statusCode ?? 0, body)));
      });
      ws.once('error', reject);
      const client = new TerminalTestClient(ws);
    });
  }

  /** Types text. */
  type(text: string): void {
    this.ws.send(Buffer.from(text), { binary: true });
  }

  /** Sends a resize as the console does (any values: the server judges them). */
  resize(cols: unknown, rows: unknown): void {
    this.ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** Waits until the output matches. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return this.waitUntil(`output matching ${pattern}`, () => this.output.match(pattern), timeoutMs);
  }

  /** Waits for a control message of a type. */
  async waitForControl(type: string, timeoutMs = 20_000): Promise<TerminalControl> {
    return this.waitUntil(`a ${type} message`, () => this.controls.find((c) => c.type === type), timeoutMs);
  }

  private async waitUntil<T>(what: string, check: () => T | null | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; output so far: ${JSON.stringify(this.output.slice(-500))}; controls: ${JSON.stringify(this.controls)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A terminal the server refused before the upgrade. */
export class TerminalRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`refused with ${status}: ${body}`);
  }
}

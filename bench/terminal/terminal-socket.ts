import WebSocket from 'ws';

/** A control (text) message of the terminal WebSocket. */
export interface TerminalControl {
  type: string;
  [key: string]: unknown;
}

/**
 * The benchmark's end of a remote terminal: output bytes go to a callback as they arrive and
 * are not kept or decoded (100 MiB of output must not be measured as string concatenation in
 * the client), control messages are kept.
 */
export class TerminalSocket {
  readonly controls: TerminalControl[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Receives every output frame. */
  onOutput: (data: Buffer) => void = () => undefined;
  /**
   * Output that came after runUntil's marker, before its caller set the next onOutput: `ws`
   * hands over every frame of one socket read in a row, before the caller's continuation runs
   * (a fast cat lost 43 KB of its first frames that way).
   */
  private held: Buffer[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.onOutput(data);
      else this.controls.push(JSON.parse(data.toString('utf8')) as TerminalControl);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens a terminal on `machineId` through the node at `httpUrl`; rejects on a refusal. */
  static open(httpUrl: string, token: string, machineId: string): Promise<TerminalSocket> {
    const url = new URL(
      `/api/v1/machines/${encodeURIComponent(machineId)}/terminal`,
      httpUrl.replace(/^http/, 'ws'),
    );
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    const socket = new TerminalSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`terminal refused: HTTP ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
  }

  /** Sends input bytes. */
  send(input: string | Buffer): void {
    this.ws.send(typeof input === 'string' ? Buffer.from(input) : input, { binary: true });
  }

  /** Waits for a control message of a type. */
  async waitForControl(type: string, timeoutMs = 30_000): Promise<TerminalControl> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.controls.find((c) => c.type === type);
      if (found) return found;
      if (performance.now() > deadline)
        throw new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(this.controls)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Sends `command` and resolves once the output holds `marker` (so the shell ran it). The output
   * after the marker is held until takeHeld. The marker should be written split in the command
   * (`RE""ADY`) so the echoed command line does not match.
   */
  runUntil(command: string, marker: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => {
        this.onOutput = () => undefined;
        reject(
          new Error(`no "${marker}" within ${timeoutMs} ms; output ends ${JSON.stringify(seen.slice(-300))}`),
        );
      }, timeoutMs);
      this.onOutput = (data) => {
        const before = Buffer.byteLength(seen, 'latin1');
        seen += data.toString('latin1');
        const at = seen.indexOf(marker);
        if (at < 0) return;
        clearTimeout(timer);
        this.held = [data.subarray(Math.max(0, at + marker.length - before))];
        this.onOutput = (more) => this.held.push(more);
        resolve();
      };
      this.send(command);
    });
  }

  /** Output since runUntil's marker so far (emptied); set onOutput before taking it. */
  takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  /** Closes the socket (the server ends the session and its shell), waiting at most 5 s. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'benchmark done');
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 5000))]);
  }
}

import type { Proc } from '../../e2e/support/harness';

/** One request as the server logged it: its own time from receiving it to sending the answer. */
export interface LoggedRequest {
  method: string;
  url: string;
  statusCode: number;
  responseTimeMs: number;
}

/**
 * Reads the server's request log (one JSON line per request, `msg: "request"`, see
 * packages/server/src/http/request-log.ts), from a position on: the server's side of every
 * timed request, which the client's time minus this splits into network, queueing and the
 * client's own parsing.
 */
export class ServerLog {
  constructor(private readonly proc: Proc) {}

  /** Where the log is now; pass to `since` later. */
  mark(): number {
    return this.proc.lines.length;
  }

  /** API requests logged after `mark`, in the order they were answered. */
  since(mark: number, pathPrefix = '/api/v1/'): LoggedRequest[] {
    const out: LoggedRequest[] = [];
    for (const line of this.proc.lines.slice(mark)) {
      if (!line.includes('"msg":"request"')) continue;
      try {
        const entry = JSON.parse(line) as Partial<LoggedRequest> & { msg?: string };
        if (entry.msg !== 'request' || typeof entry.url !== 'string' || !entry.url.startsWith(pathPrefix))
          continue;
        out.push({
          method: String(entry.method),
          url: entry.url,
          statusCode: Number(entry.statusCode),
          responseTimeMs: Number(entry.responseTimeMs),
        });
      } catch {
        // Not a JSON line (a stack trace's continuation): not a request.
      }
    }
    return out;
  }

  /** Waits until at least `count` API requests are logged after `mark` (stdout arrives late). */
  async waitFor(mark: number, count: number, timeoutMs = 5000): Promise<LoggedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    let seen = this.since(mark);
    while (seen.length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      seen = this.since(mark);
    }
    return seen;
  }

  /**
   * The log line of each of `urls` (requests made one after another since `mark`), matched in
   * order; lines of other requests are skipped. Waits until the last one is there or the time
   * runs out; an unmatched request is null.
   */
  async matchInOrder(
    mark: number,
    urls: readonly string[],
    timeoutMs = 5000,
  ): Promise<Array<LoggedRequest | null>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const logged = this.since(mark);
      const out: Array<LoggedRequest | null> = [];
      let at = 0;
      for (const url of urls) {
        let found = at;
        while (found < logged.length && logged[found]?.url !== url) found++;
        if (found < logged.length) {
          out.push(logged[found] as LoggedRequest);
          at = found + 1;
        } else out.push(null);
      }
      if (out[out.length - 1] !== null || Date.now() > deadline) return out;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

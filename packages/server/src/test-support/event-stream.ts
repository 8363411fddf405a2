import { request } from 'node:http';

/** One event read from GET /events: its SSE name, its parsed data and when it was read. */
export interface ReadEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever shape each event type has.
  data: any;
  receivedAt: number;
}

/** A server-sent-events stream open on GET /api/v1/events, read as a browser's EventSource would. */
export interface EventStreamReader {
  /** The HTTP status and content type the stream opened with. */
  status: number;
  contentType: string;
  /** Every event read so far, in order. */
  events: ReadEvent[];
  /** Waits for the first event (read before or after the call) that `match` accepts. */
  next(what: string, match: (e: ReadEvent) => boolean, timeoutMs?: number): Promise<ReadEvent>;
  close(): void;
}

/**
 * Opens GET /events on a listening server with the given headers (a bearer token, or the
 * console's session cookie alone) and resolves once the server says the subscription is in
 * place (the `: connected` comment): events before it are not the stream's. Uses node:http, so
 * nothing buffers the stream between the server and the test.
 */
export function openEventStream(
  httpUrl: string,
  headers: Record<string, string>,
): Promise<EventStreamReader> {
  return new Promise((resolve, reject) => {
    const events: ReadEvent[] = [];
    const waiters = new Set<() => void>();
    let ended = false;
    const req = request(`${httpUrl}/api/v1/events`, { headers }, (res) => {
      res.setEncoding('utf8');
      let buffered = '';
      let connected = false;
      const reader: EventStreamReader = {
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        events,
        next: (what, match, timeoutMs = 10_000) =>
          new Promise((found, fail) => {
            const check = () => {
              const hit = events.find(match);
              if (hit) {
                done();
                found(hit);
              } else if (ended) {
                done();
                fail(new Error(`the stream ended before ${what}; read: ${JSON.stringify(events)}`));
              }
            };
            const timer = setTimeout(() => {
              done();
              fail(new Error(`no ${what} within ${timeoutMs} ms; read: ${JSON.stringify(events)}`));
            }, timeoutMs);
            const done = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
            check();
          }),
        close: () => req.destroy(),
      };
      if (reader.status !== 200) {
        resolve(reader);
        res.resume();
        return;
      }
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let end = buffered.indexOf('\n\n');
        while (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf('\n\n');
          if (block === ': connected' && !connected) {
            connected = true;
            resolve(reader);
            continue;
          }
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data), receivedAt: Date.now() });
        }
        for (const check of [...waiters]) check();
      });
      res.on('close', () => {
        ended = true;
        for (const check of [...waiters]) check();
        if (!connected) reject(new Error('the stream ended before it said connected'));
      });
    });
    req.on('error', (error) => {
      ended = true;
      reject(error);
    });
    req.end();
  });
}

/** Matches the `machine` event of one machine with one change (connected, checked-in, ...). */
export const machineEvent =
  (machineId: string, change: string) =>
  (e: ReadEvent): boolean =>
    e.event === 'machine' && e.data.machineId === machineId && e.data.change === change;

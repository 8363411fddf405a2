import pg from 'pg';
import { type Bus, type BusEvent, deliverToEach, payloadsToFit } from './bus';

const CHANNEL = 'muster_events';

/**
 * Largest payload sent with one NOTIFY. PostgreSQL refuses 8000 bytes or more ("payload string
 * too long"); the margin leaves room should the server count bytes in another encoding.
 */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7900;

/** NOTIFYs sent by one statement at most: about 8 MB of payloads, a bounded transaction. */
export const NOTIFY_PIECES_PER_STATEMENT = 1000;

/**
 * The bus of several server nodes sharing one PostgreSQL: LISTEN/NOTIFY on one channel.
 * NOTIFY is transactional and delivered to every listening node. The publishing node's own
 * subscribers get its events at once, on the next microtask, and ignore their echo: a command
 * queued for an agent on the node that took the request waited for a NOTIFY's commit (a WAL
 * flush) and its delivery before the node would claim it. Every node sees each node's events
 * in the order that node published them; events of different nodes may interleave differently
 * on different nodes, but never against their cause (a node acts on another's event only once
 * it has heard it, and the NOTIFYs of both commit in that order). An event too large for one
 * NOTIFY goes as several, in order; a subscriber that throws is reported to `onError` without
 * keeping the event from the others.
 */
export async function postgresBus(url: string, onError: (error: unknown) => void): Promise<Bus> {
  const handlers = new Set<(event: BusEvent) => void>();
  const listener = new pg.Client({ connectionString: url });
  listener.on('error', onError);
  await listener.connect();
  // The listener's server process: NOTIFYs from it are this node's own.
  const own = await listener.query<{ pid: number }>('select pg_backend_pid() as pid');
  const ownPid = own.rows[0]?.pid;
  const deliver = (event: BusEvent) => deliverToEach(handlers, event, onError);
  listener.on('notification', (message) => {
    if (message.channel !== CHANNEL || !message.payload) return;
    // This node's own NOTIFYs (the listener sends them): delivered here when published.
    if (message.processId === ownPid) return;
    let event: BusEvent;
    try {
      event = JSON.parse(message.payload) as BusEvent;
    } catch (error) {
      onError(error);
      return;
    }
    deliver(event);
  });
  await listener.query(`LISTEN ${CHANNEL}`);
  /** Sends the events' pieces, in order, NOTIFY_PIECES_PER_STATEMENT to a statement (and a transaction). */
  const publishAll = async (events: readonly BusEvent[]) => {
    // Split first: an event that cannot be split to fit throws here and reaches no node.
    const payloads = events.flatMap((event) => payloadsToFit(event, MAX_NOTIFY_PAYLOAD_BYTES));
    // Here first, whatever becomes of the NOTIFY: what a node publishes has happened (a
    // command is queued, a change stored), and its own sessions may act on it at once.
    const local = [...events];
    queueMicrotask(() => {
      for (const event of local) deliver(event);
    });
    for (let i = 0; i < payloads.length; i += NOTIFY_PIECES_PER_STATEMENT) {
      const chunk = payloads.slice(i, i + NOTIFY_PIECES_PER_STATEMENT);
      if (chunk.length === 1) await listener.query('select pg_notify($1, $2)', [CHANNEL, chunk[0]]);
      // unnest yields the array's elements in order, and NOTIFYs of one transaction are
      // delivered in the order they were sent.
      else await listener.query('select pg_notify($1, p) from unnest($2::text[]) as p', [CHANNEL, chunk]);
    }
  };
  return {
    publish: (event) => publishAll([event]),
    publishAll,
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      await listener.end();
    },
  };
}

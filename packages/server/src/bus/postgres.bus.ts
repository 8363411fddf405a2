import pg from 'pg';
import { type Bus, type BusEvent, payloadsToFit } from './bus';

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
 * NOTIFY is transactional and delivered to every listening node, this one included. An event
 * too large for one NOTIFY goes as several, in order; a subscriber that throws is reported to
 * `onError` without keeping the event from the others.
 */
export async function postgresBus(url: string, onError: (error: unknown) => void): Promise<Bus> {
  const handlers = new Set<(event: BusEvent) => void>();
  const listener = new pg.Client({ connectionString: url });
  listener.on('error', onError);
  await listener.connect();
  listener.on('notification', (message) => {
    if (message.channel !== CHANNEL || !message.payload) return;
    let event: BusEvent;
    try {
      event = JSON.parse(message.payload) as BusEvent;
    } catch (error) {
      onError(error);
      return;
    }
    for (const h of handlers) {
      try {
        h(event);
      } catch (error) {
        // A throw here would escape into pg's socket reader and end the process.
        onError(error);
      }
    }
  });
  await listener.query(`LISTEN ${CHANNEL}`);
  /** Sends the events' pieces, in order, NOTIFY_PIECES_PER_STATEMENT to a statement (and a transaction). */
  const publishAll = async (events: readonly BusEvent[]) => {
    const payloads = events.flatMap((event) => payloadsToFit(event, MAX_NOTIFY_PAYLOAD_BYTES));
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

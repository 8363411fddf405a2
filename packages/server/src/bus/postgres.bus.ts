import pg from 'pg';
import { type Bus, type BusEvent, splitToFit } from './bus';

const CHANNEL = 'muster_events';

/**
 * Largest payload sent with one NOTIFY. PostgreSQL refuses 8000 bytes or more ("payload string
 * too long"); the margin leaves room should the server count bytes in another encoding.
 */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7900;

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
  return {
    async publish(event) {
      for (const piece of splitToFit(event, MAX_NOTIFY_PAYLOAD_BYTES)) {
        await listener.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(piece)]);
      }
    },
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

import pg from 'pg';
import type { Bus, BusEvent } from './bus';

const CHANNEL = 'muster_events';

/**
 * The bus of several server nodes sharing one PostgreSQL: LISTEN/NOTIFY on one channel.
 * NOTIFY is transactional and delivered to every listening node, this one included.
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
    for (const h of handlers) h(event);
  });
  await listener.query(`LISTEN ${CHANNEL}`);
  return {
    async publish(event) {
      await listener.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
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

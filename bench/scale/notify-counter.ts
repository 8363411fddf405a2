import pg from 'pg';

/** The bus channel the server nodes NOTIFY on (packages/server/src/bus/postgres.bus.ts). */
const BUS_CHANNEL = 'muster_events';

/** Notifications counted over a span of time. */
export interface NotifySpan {
  notifications: number;
  payloadBytes: number;
  seconds: number;
  perSecond: number;
}

/**
 * Listens on the nodes' bus channel as one more node would and counts what crosses it: every
 * NOTIFY takes PostgreSQL's global notify lock at commit, so their rate is what would
 * serialise the cluster.
 */
export class NotifyCounter {
  private notifications = 0;
  private payloadBytes = 0;

  private constructor(private readonly client: pg.Client) {
    client.on('notification', (m) => {
      if (m.channel !== BUS_CHANNEL) return;
      this.notifications++;
      this.payloadBytes += Buffer.byteLength(m.payload ?? '');
    });
    client.on('error', () => {});
  }

  /** Connects and listens. */
  static async start(databaseUrl: string): Promise<NotifyCounter> {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    await client.query(`LISTEN ${BUS_CHANNEL}`);
    return new NotifyCounter(client);
  }

  /** Starts a span; the function it returns ends it and gives its counts. */
  span(): () => NotifySpan {
    const n0 = this.notifications;
    const b0 = this.payloadBytes;
    const t0 = performance.now();
    return () => {
      const seconds = (performance.now() - t0) / 1000;
      const notifications = this.notifications - n0;
      return {
        notifications,
        payloadBytes: this.payloadBytes - b0,
        seconds,
        perSecond: seconds > 0 ? notifications / seconds : 0,
      };
    };
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

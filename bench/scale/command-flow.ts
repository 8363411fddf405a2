import { openDatabase } from '../../packages/server/src/store/sql/open-database';
import type { AdminApi } from '../support/admin-api';
import { sleep } from '../support/wait';
import { scaleMachineId } from './seed-agents';

/** Commands queued one at a time at a steady rate until stopped. */
export class CommandFlow {
  readonly ids: string[] = [];
  failures = 0;
  lastFailure = '';
  private running = false;
  private loop: Promise<void> | null = null;

  /**
   * `pick` gives the agent index of each next command; commands are queued through `api`
   * (a node that stays up) at `perSecond`.
   */
  constructor(
    private readonly api: AdminApi,
    private readonly perSecond: number,
    private readonly pick: () => number,
    private readonly commandType = 'audit',
  ) {}

  /** Starts queueing. */
  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the request in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const gapMs = 1000 / this.perSecond;
    let next = performance.now();
    while (this.running) {
      try {
        const answer = await this.api.request<{ items: Array<{ id: string }> }>(
          'POST',
          '/commands',
          { targets: { machines: [scaleMachineId(this.pick())] }, type: this.commandType, params: {} },
          10_000,
        );
        const id = answer.items[0]?.id;
        if (id) this.ids.push(id);
      } catch (error) {
        this.failures++;
        this.lastFailure = (error as Error).message;
      }
      next += gapMs;
      await sleep(Math.max(0, next - performance.now()));
    }
  }
}

/** How many of `ids` the store holds in each status. */
export async function commandStatuses(
  databaseUrl: string,
  ids: readonly string[],
): Promise<Record<string, number>> {
  const { db, close } = openDatabase({ postgresUrl: databaseUrl });
  const counts: Record<string, number> = {};
  try {
    for (let i = 0; i < ids.length; i += 5000) {
      const rows = await db
        .selectFrom('commands')
        .select(['status', db.fn.countAll<string>().as('n')])
        .where('id', 'in', ids.slice(i, i + 5000))
        .groupBy('status')
        .execute();
      for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + Number(r.n);
    }
  } finally {
    await close();
  }
  return counts;
}

import { type Summary, summarize } from './stats';

/**
 * Sends GET /api/v1/server again and again (one at a time, a pause between) while something
 * else runs, and records how long each answer took: a server whose event loop is blocked
 * answers late, so the slowest answer shows the longest stall.
 */
export class ApiProbe {
  private readonly times: number[] = [];
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly httpUrl: string,
    private readonly token: string,
    private readonly pauseMs = 100,
  ) {}

  /** Starts probing. */
  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the request in flight (bounded by its time limit) and summarizes the answers. */
  async stop(): Promise<Summary> {
    this.running = false;
    await this.loop;
    return summarize(this.times);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      try {
        const response = await fetch(`${this.httpUrl}/api/v1/server`, {
          headers: { authorization: `Bearer ${this.token}` },
          signal: AbortSignal.timeout(300_000),
        });
        await response.arrayBuffer();
      } catch {
        // a timed-out probe still counts with its full time
      }
      this.times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}

import { type MachineFilter, parseMachineFilter } from '../domain/machine-filter';
import type { AgentBuilds } from './agent-builds';

/** An agent connected to this node, as the roll-out sees it. */
export interface ConnectedAgent {
  machineId: string;
  /** What it reported; null before its first welcome. */
  agentVersion: string | null;
}

/** How the roll-out runs (server settings). */
export interface RolloutSettings {
  /** Machine filters (`web.acme`, `*.lab.acme`) whose agents are updated; none: no roll-out. */
  groups: readonly string[];
  /** At most this many updates queued or running at once, across every node. */
  concurrency: number;
  /** How long an updated agent has to check in before it goes back to its previous version. */
  trialSeconds: number;
  intervalMs: number;
}

/** What the roll-out needs of the server around it. */
export interface RolloutHost {
  /** The agents connected to this node. */
  connected(): Iterable<ConnectedAgent>;
  /** update-agent commands pending or processing, on every node (one query). */
  updatesInFlight(): Promise<number>;
  /** Queues one update-agent command to each machine. */
  enqueue(machineIds: string[], params: Record<string, unknown>): Promise<void>;
  onError(error: unknown): void;
}

/**
 * Rolls the agent build this server serves out to the agents of the chosen groups: every
 * interval, each node looks at the agents it holds (in memory, nothing per check-in), and queues
 * an update for those reporting another version, as long as fewer than `concurrency` updates
 * are queued or running in the whole installation. An agent is offered one build once per node
 * process: one whose update failed (or rolled back) is not offered the same build in a loop.
 */
export class AgentUpdateRollout {
  private readonly filters: MachineFilter[];
  private readonly offered = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly builds: AgentBuilds,
    private readonly settings: RolloutSettings,
    private readonly host: RolloutHost,
  ) {
    this.filters = settings.groups.map((g) => parseMachineFilter(g));
  }

  start(): void {
    if (this.filters.length === 0) return;
    this.timer = setInterval(() => void this.sweep(), this.settings.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round; skipped while the previous one still runs. Returns the machines it queued updates to. */
  async sweep(): Promise<string[]> {
    const build = this.builds.current();
    if (this.running || !build || this.filters.length === 0) return [];
    this.running = true;
    try {
      let room = this.settings.concurrency - (await this.host.updatesInFlight());
      const chosen: string[] = [];
      for (const agent of this.host.connected()) {
        if (room <= 0) break;
        if (agent.agentVersion === null || agent.agentVersion === build.version) continue;
        if (this.offered.get(agent.machineId) === build.sha256) continue;
        if (!this.filters.some((f) => f.matches(agent.machineId))) continue;
        chosen.push(agent.machineId);
        room--;
      }
      if (chosen.length === 0) return [];
      await this.host.enqueue(chosen, {
        version: build.version,
        size: build.size,
        sha256: build.sha256,
        trialSeconds: this.settings.trialSeconds,
      });
      for (const id of chosen) this.offered.set(id, build.sha256);
      return chosen;
    } catch (error) {
      this.host.onError(error);
      return [];
    } finally {
      this.running = false;
    }
  }
}

import type { KeyObject } from 'node:crypto';
import type { ReplicationStatusMessage, StartLocalParams, StartOffsiteParams } from '@muster/protocol';
import type { ReplicationIdentity } from '@muster/replication';
import type { AgentLog } from '../agent-log';
import { resumeOptimizingCompiler } from '../optimizing-compiler';
import type { BandwidthThrottle } from '../throttle';
import type { LocalRole } from './local-role';
import type { OffsiteRole } from './offsite-role';
import { RoleStore } from './role-store';

/** The replication procedures an agent runs. */
export type RoleProcedure =
  | 'start-offsite-server'
  | 'stop-offsite-server'
  | 'verify-offsite-server'
  | 'start-local-server'
  | 'stop-local-server'
  | 'replicate-now';

/**
 * The replication roles of this agent (any agent may be an offsite server, a local server, or
 * both). Roles are kept in the state directory and taken up again when the agent restarts. The
 * agent's own key is the replication key, so the pins the server hands out are agent keys it
 * already knows.
 */
export class RoleManager {
  private readonly store: RoleStore;
  private readonly offsite = new Map<string, OffsiteRole>();
  private readonly local = new Map<string, LocalRole>();
  private identity: ReplicationIdentity | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private readonly privateKey: KeyObject,
    private readonly throttle: BandwidthThrottle,
    private readonly log: AgentLog,
    /** Sends fresh status reports now (a pass ended). */
    private readonly onChange: () => void,
  ) {
    this.store = new RoleStore(stateDir);
  }

  /** Takes up the roles this agent had before it stopped. */
  async restore(): Promise<void> {
    const stored = this.store.load();
    for (const params of Object.values(stored.offsite))
      await this.run('start-offsite-server', params).catch((e) =>
        this.log.error({ err: String(e) }, 'offsite server did not start'),
      );
    for (const params of Object.values(stored.local))
      await this.run('start-local-server', params).catch((e) =>
        this.log.error({ err: String(e) }, 'local server did not start'),
      );
  }

  /**
   * Runs one procedure; resolves with a line for the procedure's result, throws a clear error.
   * Procedures run one at a time (the roles restored at start-up included), so two starts of
   * one role never race for its port.
   */
  run(type: RoleProcedure, params: Record<string, unknown>): Promise<string> {
    const next = this.chain.catch(() => undefined).then(() => this.runNow(type, params));
    this.chain = next;
    return next;
  }

  private async runNow(type: RoleProcedure, params: Record<string, unknown>): Promise<string> {
    // A replication role hashes and matches blocks in JavaScript: it needs V8's optimizing
    // compiler, which an agent that only checks in does without (see optimizing-compiler.ts).
    if (type === 'start-offsite-server' || type === 'start-local-server') resumeOptimizingCompiler();
    const identity = await this.replicationIdentity();
    const roles = this.store.load();
    switch (type) {
      case 'start-offsite-server': {
        const p = params as StartOffsiteParams;
        const { OffsiteRole } = await import('./offsite-role');
        const role =
          this.offsite.get(p.offsiteServerId) ?? new OffsiteRole(identity, this.log, this.onChange);
        this.offsite.set(p.offsiteServerId, role);
        try {
          return await role.apply(p);
        } finally {
          roles.offsite[p.offsiteServerId] = p;
          this.store.save(roles);
        }
      }
      case 'stop-offsite-server': {
        const id = String(params.offsiteServerId);
        await this.offsite.get(id)?.stop();
        this.offsite.delete(id);
        delete roles.offsite[id];
        this.store.save(roles);
        return `offsite server ${id} stopped`;
      }
      case 'verify-offsite-server': {
        const role = this.offsite.get(String(params.offsiteServerId));
        if (!role) throw new Error(`this agent runs no offsite server ${String(params.offsiteServerId)}`);
        return role.verify();
      }
      case 'start-local-server': {
        const p = params as StartLocalParams;
        const { LocalRole } = await import('./local-role');
        const role =
          this.local.get(p.localServerId) ??
          new LocalRole(identity, this.stateDir, this.throttle, this.log, this.onChange);
        this.local.set(p.localServerId, role);
        try {
          return await role.apply(p);
        } finally {
          roles.local[p.localServerId] = p;
          this.store.save(roles);
        }
      }
      case 'stop-local-server': {
        const id = String(params.localServerId);
        await this.local.get(id)?.stop();
        this.local.delete(id);
        delete roles.local[id];
        this.store.save(roles);
        return `local server ${id} stopped`;
      }
      case 'replicate-now': {
        const role = this.local.get(String(params.localServerId));
        if (!role) throw new Error(`this agent runs no local server ${String(params.localServerId)}`);
        return role.replicateNow();
      }
    }
  }

  /** A status report of every role. */
  async reports(): Promise<ReplicationStatusMessage[]> {
    const out: ReplicationStatusMessage[] = [];
    for (const role of this.offsite.values()) {
      const r = await role.report();
      if (r) out.push(r);
    }
    for (const role of this.local.values()) {
      const r = role.report();
      if (r) out.push(r);
    }
    return out;
  }

  /** Stops every role (the agent is stopping). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.offsite.values(), ...this.local.values()].map((r) => r.stop()));
  }

  // Replication (TLS certificates through @peculiar/x509, transfers) is loaded when a role first
  // runs: most agents have none, and an idle agent should not carry it (bench:footprint, RSS).
  private async replicationIdentity(): Promise<ReplicationIdentity> {
    const { createReplicationIdentity } = await import('@muster/replication');
    this.identity ??= await createReplicationIdentity(this.privateKey);
    return this.identity;
  }
}

import { connectionSource } from '../domain/subnets';

/** The limits of the handshake gate. */
export interface HandshakeLimits {
  /** Connections in their handshake at once, over all sources. */
  total: number;
  /** Of those, at most this many from one source (an IPv4 address or an IPv6 /64). */
  perSource: number;
  /**
   * Slots kept for sources an agent was recently admitted from: strangers together hold at
   * most `total - reservedForKnown`, so a flood from new addresses cannot lock known agents out.
   */
  reservedForKnown: number;
  /**
   * A connection that has not finished TLS after this long counts as idle: a newcomer from
   * the same source may push it out (a real agent finishes TLS within milliseconds).
   */
  idleMs: number;
}

/** A connection's hold on a slot. */
export interface GateTicket {
  /** TLS is done: from now on the connection is no longer pushed out for a newcomer. */
  secured(): void;
  /** Gives the slot back; later calls do nothing. */
  leave(): void;
}

interface Entry {
  readonly source: string;
  readonly known: boolean;
  readonly since: number;
  readonly evict: () => void;
  secured: boolean;
}

/**
 * Bounds the connections still in their handshake (TCP accepted, not yet welcomed).
 *
 * When thousands of agents return at once after a restart, a server that starts every TLS
 * handshake finishes none in time; refusing the excess at once costs nothing and the agents'
 * backoff spreads them out. But a bound alone lets anyone who opens idle TCP connections hold
 * every slot, so the slots are shared: one source holds at most `perSource`, strangers leave
 * `reservedForKnown` to sources agents were admitted from, and when the newcomer's share is
 * full, the oldest connection that has not finished TLS is pushed out of the source holding
 * the most slots (or, failing that, one idle for `idleMs`). An idle flood is therefore
 * displaced by every real connection instead of shutting it out.
 */
export class HandshakeGate {
  private readonly bySource = new Map<string, Set<Entry>>();
  private readonly known = new Map<string, true>();
  private count = 0;
  private strangers = 0;

  constructor(
    private readonly limits: HandshakeLimits,
    private readonly clock: () => number = Date.now,
    /** Sources remembered as known; the least recently admitted is forgotten first. */
    private readonly knownCapacity = 65_536,
  ) {}

  /**
   * Takes a slot for a connection from `address`, pushing out another connection (through its
   * `evict`) when that is what fairness asks; null when the connection should be dropped.
   */
  tryEnter(address: string, evict: () => void): GateTicket | null {
    const source = connectionSource(address);
    const known = this.known.has(source);
    const held = this.bySource.get(source)?.size ?? 0;
    if (held >= this.limits.perSource) {
      const idle = this.oldestUnsecured([source], () => true, this.clock() - this.limits.idleMs);
      if (!idle) return null;
      this.push(idle);
    } else if (this.full(known)) {
      const victim = this.victimFor(source, held, known);
      if (!victim) return null;
      this.push(victim);
    }
    return this.admit(source, known, evict);
  }

  /** Records that an agent from `address` was admitted: its source now counts as known. */
  remember(address: string): void {
    const source = connectionSource(address);
    this.known.delete(source);
    this.known.set(source, true);
    if (this.known.size > this.knownCapacity) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  /** Connections in their handshake now. */
  get pending(): number {
    return this.count;
  }

  /** Connections in their handshake now from the source of `address`. */
  pendingFrom(address: string): number {
    return this.bySource.get(connectionSource(address))?.size ?? 0;
  }

  private full(known: boolean): boolean {
    if (this.count >= this.limits.total) return true;
    return !known && this.strangers >= Math.max(0, this.limits.total - this.limits.reservedForKnown);
  }

  /** Whom a newcomer may push out, or null when it must wait its turn. */
  private victimFor(source: string, held: number, known: boolean): Entry | null {
    // Known agents come before strangers: any stranger still before TLS makes room.
    if (known) {
      const stranger = this.fromLargestHolder((e) => !e.known, -1);
      if (stranger) return stranger;
    }
    // Strangers compete only for the strangers' share.
    const eligible = known ? () => true : (e: Entry) => !e.known;
    return (
      this.fromLargestHolder(eligible, held) ??
      this.oldestUnsecured(this.bySource.keys(), eligible, this.clock() - this.limits.idleMs, source)
    );
  }

  /** The oldest pre-TLS connection of the source holding the most slots, if it holds more than `than`. */
  private fromLargestHolder(eligible: (e: Entry) => boolean, than: number): Entry | null {
    let best: Entry | null = null;
    let bestHeld = than;
    for (const entries of this.bySource.values()) {
      if (entries.size <= bestHeld) continue;
      for (const e of entries) {
        if (e.secured || !eligible(e)) continue;
        best = e;
        bestHeld = entries.size;
        break;
      }
    }
    return best;
  }

  /** The oldest pre-TLS connection of the given sources that arrived before `before`. */
  private oldestUnsecured(
    sources: Iterable<string>,
    eligible: (e: Entry) => boolean,
    before: number,
    except?: string,
  ): Entry | null {
    let oldest: Entry | null = null;
    for (const source of sources) {
      if (source === except) continue;
      for (const e of this.bySource.get(source) ?? []) {
        if (e.secured || !eligible(e) || e.since > before) continue;
        if (!oldest || e.since < oldest.since) oldest = e;
        break; // entries are in arrival order: the first that qualifies is this source's oldest
      }
    }
    return oldest;
  }

  private admit(source: string, known: boolean, evict: () => void): GateTicket {
    const entry: Entry = { source, known, since: this.clock(), evict, secured: false };
    let entries = this.bySource.get(source);
    if (!entries) {
      entries = new Set();
      this.bySource.set(source, entries);
    }
    entries.add(entry);
    this.count += 1;
    if (!known) this.strangers += 1;
    return {
      secured: () => {
        entry.secured = true;
      },
      leave: () => this.release(entry),
    };
  }

  private push(entry: Entry): void {
    this.release(entry);
    entry.evict();
  }

  private release(entry: Entry): void {
    const entries = this.bySource.get(entry.source);
    if (!entries?.delete(entry)) return;
    if (entries.size === 0) this.bySource.delete(entry.source);
    this.count -= 1;
    if (!entry.known) this.strangers -= 1;
  }
}

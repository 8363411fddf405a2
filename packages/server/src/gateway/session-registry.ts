/** What the registry needs of a live agent session. */
export interface LiveSession {
  readonly machineId: string;
  close(code: number, reason: string): void;
}

/** The agent sessions this server node holds, by machine id. */
export class SessionRegistry<S extends LiveSession> {
  private readonly sessions = new Map<string, S>();

  /** Registers a session, returning the one it replaces (same machine), if any. */
  register(session: S): S | undefined {
    const previous = this.sessions.get(session.machineId);
    this.sessions.set(session.machineId, session);
    return previous === session ? undefined : previous;
  }

  /** Removes a session if it is still the registered one for its machine. */
  unregister(session: S): void {
    if (this.sessions.get(session.machineId) === session) this.sessions.delete(session.machineId);
  }

  get(machineId: string): S | undefined {
    return this.sessions.get(machineId);
  }

  has(machineId: string): boolean {
    return this.sessions.has(machineId);
  }

  /** Every session this node holds. */
  values(): IterableIterator<S> {
    return this.sessions.values();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Closes every session (identity change, shutdown). */
  closeAll(code: number, reason: string): void {
    for (const s of [...this.sessions.values()]) s.close(code, reason);
  }
}

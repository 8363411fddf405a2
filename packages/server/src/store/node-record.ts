/** The directory of server nodes: where each is reached for a relayed terminal (issue 14). */

/** A node's entry in the directory. */
export interface NodeRecord {
  /** The node's id (node-id.ts): the same across its restarts, and what `connected_by` names. */
  nodeId: string;
  /** Where other nodes reach its relay listener. */
  relayHost: string;
  relayPort: number;
  /** When it last announced itself (at its start). */
  announcedAt: number;
  /** Its latest heartbeat (or announcement): a node long silent is likely gone. */
  lastSeenAt: number;
}

/** A node announcing itself. */
export interface NodeAnnouncement {
  nodeId: string;
  relayHost: string;
  relayPort: number;
  now: number;
}

/**
 * Server nodes find each other through the store: a node announces where its relay listens,
 * keeps its entry fresh with heartbeats, and looks up the node that holds an agent. Liveness is
 * the caller's judgement (lastSeenAt against its heartbeat period); the directory only keeps
 * what nodes said.
 */
export interface NodeDirectory {
  /** Adds the node, or replaces its address and times if it was there (a restart). */
  announce(announcement: NodeAnnouncement): Promise<void>;
  /** Records that the node is alive; false when it is not in the directory (announce again). */
  heartbeat(nodeId: string, now: number): Promise<boolean>;
  find(nodeId: string): Promise<NodeRecord | null>;
  /** Every node, by id. */
  list(): Promise<NodeRecord[]>;
  /** Takes a node out (it is shutting down for good); false when it was not there. */
  remove(nodeId: string): Promise<boolean>;
  /**
   * The node holding a machine's agent connection: the one its `connected_by` names (migration
   * 014) while it is connected; null when it is offline or its node never announced itself.
   * Connection changes are written coalesced, so this may lag a reconnection by about a second.
   */
  locateMachine(machineId: string): Promise<NodeRecord | null>;
}

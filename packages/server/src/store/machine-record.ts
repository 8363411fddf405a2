import type { CheckinControl, Inventory } from '@muster/protocol';

/** A machine account as the store holds it. */
export interface MachineRecord {
  id: string;
  guid: string;
  name: string;
  groupId: string;
  orgId: string;
  /** The agent's public key (SPKI DER, base64); null until an agent claims the account. */
  publicKey: string | null;
  keyFingerprint: string | null;
  hardwareId: string | null;
  hostName: string | null;
  temporary: boolean;
  suspended: boolean;
  remoteControlEnabled: boolean;
  checkinControl: CheckinControl;
  settingsRevision: number;
  appliedRevision: number;
  /**
   * The settings the agent last confirmed: those of the revision it acknowledged when that was
   * the newest, kept from before when an older one is acknowledged late. Null: none known.
   */
  appliedCheckinControl: CheckinControl | null;
  createdAt: number;
  firstCheckinAt: number | null;
  lastSeenAt: number | null;
  connected: boolean;
  remoteAddress: string | null;
  loggedOnUser: string | null;
  userIdleSeconds: number;
  localAddresses: string[];
  agentVersion: string | null;
  audit: Inventory | null;
  auditedAt: number | null;
}

/** The volatile state carried by one quick check-in. */
export interface CheckinUpdate {
  machineId: string;
  seenAt: number;
  loggedOnUser: string | null;
  userIdleSeconds: number;
  localAddresses: string[];
  agentVersion: string;
}

/** An agent session that began or ended, written in the next coalesced batch. */
export interface ConnectionUpdate {
  machineId: string;
  connected: boolean;
  at: number;
  /**
   * The server node that writes this start or end: one run of one node, unique among all nodes
   * (see CheckinCoalescer). A start makes it the holder of the machine's connected flag; an end
   * clears the flag only while this node holds it, so a late end from a node the agent has
   * left cannot mark offline an agent that another node has welcomed since. A node's own
   * sessions of one machine follow each other (a newer one replaces an older one), so its
   * latest start or end is its whole say.
   */
  recordedBy: string;
  /**
   * A start's place among the agent's sessions: when the agent began the attempt, by its own
   * clock (its auth message's `attemptAt`), else `at`. A start takes the connected flag from
   * another node only when its attempt is no older than the holder's: a node may welcome an
   * attempt the agent gave up on after another node welcomed its next one, and that session's
   * start and end must then leave the newer session's flag alone.
   */
  attemptAt?: number;
  /** Where the connection came from and the hardware it reported (connections only). */
  remoteAddress?: string;
  hardwareId?: string;
  /**
   * An end that carries the start of the same session, when both fall between two writes:
   * the start still counts (first check-in, last seen) though the machine ends disconnected.
   */
  connectedAt?: number;
}

/** What an agent presents when it enrolls with an install token. */
export interface EnrollmentRequest {
  tokenHash: string;
  now: number;
  /** Name derived from the agent's host name, used when the token fixes none. */
  hostDerivedName: string;
  publicKey: string;
  keyFingerprint: string;
  hardwareId: string;
  hostName: string;
  guid: string;
  defaultCheckinControl: CheckinControl;
}

/** The outcome of an enrollment attempt. */
export type EnrollmentResult =
  | { kind: 'enrolled'; machine: MachineRecord }
  | { kind: 'token-invalid'; reason: 'unknown' | 'expired' | 'used-up' | 'revoked' }
  | { kind: 'account-taken'; machine: MachineRecord };

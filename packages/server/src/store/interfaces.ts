import type { CheckinControl, DevicePlatform, Inventory, PushChannel } from '@muster/protocol';
import type { ScopeEntry, ScopeFilter } from '../access/scope';
import type { CheckinPolicy } from '../domain/checkin-policy';
import type { FileStore } from '../files/file-record';
import type {
  ApiTokenRecord,
  CredentialOwner,
  GrantRecord,
  GrantRef,
  MasterGuardedResult,
  NewApiToken,
  NewSession,
  NewUser,
  RoleRecord,
  ScopeRecord,
  SessionRecord,
  UserCredentials,
  UserPatch,
  UserRecord,
} from './access-record';
import type { AlertStore } from './alert-record';
import type { AuditEntry, AuditHead, AuditQuery, NewAuditEntry } from './audit-record';
import type { ConnectionHistoryStore } from './checkin-history-record';
import type {
  CommandChange,
  CommandOutcome,
  CommandQuery,
  CommandRecord,
  CommandRefusal,
  CommandTransition,
  FinishRequest,
  NewCommand,
  TargetKind,
} from './command-record';
import type {
  DeviceEnrollment,
  DeviceEnrollmentResult,
  DeviceGroupSettings,
  DeviceRecord,
  StoredLocation,
  WakeRecord,
} from './device-record';
import type { DeviceList, DeviceListQuery, MachineList, MachineListQuery } from './list-record';
import type {
  CheckinUpdate,
  ConnectionUpdate,
  EnrollmentRequest,
  EnrollmentResult,
  MachineRecord,
} from './machine-record';
import type { StoreMonitor } from './monitoring-record';
import type { NodeDirectory } from './node-record';
import type { ReplicationStore } from './replication-record';
import type { TerminalSessionStore } from './terminal-record';
import type { WebhookStore } from './webhook-record';

/** Organizations and machine groups. */
export interface GroupRegistry {
  /** Creates the group, its ancestors and its organization if missing. */
  ensureGroup(groupId: string, now: number): Promise<void>;
  groupExists(groupId: string): Promise<boolean>;
}

/** A new install token (only its hash is stored). */
export interface NewInstallToken {
  id: string;
  tokenHash: string;
  groupId: string;
  machineName: string | null;
  maxUses: number | null;
  expiresAt: number | null;
  temporary: boolean;
  createdAt: number;
  /** The token's first characters, shown in lists so a held token can be told apart (never enough to use). */
  tokenPrefix: string | null;
}

/** An install token as an administrator sees it: everything but the secret and its hash. */
export interface InstallTokenRecord {
  id: string;
  tokenPrefix: string | null;
  groupId: string;
  machineName: string | null;
  maxUses: number | null;
  uses: number;
  expiresAt: number | null;
  temporary: boolean;
  createdAt: number;
  revokedAt: number | null;
}

/** Install tokens and the enrollment that consumes them. */
export interface InstallTokenStore {
  createInstallToken(token: NewInstallToken): Promise<void>;
  /** Every install token, newest first (revoked, expired and used-up ones included). */
  listInstallTokens(scope?: ScopeFilter): Promise<InstallTokenRecord[]>;
  /** One token, when it exists and its group is in scope. */
  getInstallToken(id: string, scope?: ScopeFilter): Promise<InstallTokenRecord | null>;
  /**
   * Revokes a token: from then on it enrolls nothing. Revoking twice keeps the first time.
   * Returns the token as it is now, or null when the id is unknown.
   */
  revokeInstallToken(id: string, now: number): Promise<InstallTokenRecord | null>;
  /**
   * Consumes one use of a token and creates (or claims) the machine account in one
   * transaction; a refused enrollment consumes nothing.
   */
  enroll(request: EnrollmentRequest): Promise<EnrollmentResult>;
}

/**
 * Which machines a read may see: one filter, or several that must all hold (a shell command
 * needs both commands.run and commands.run-shell). Omitted, a read sees everything: the
 * server's own calls (the agent gateway, maintenance) act as the system.
 */
export type MachineScope = ScopeFilter | readonly ScopeFilter[];

/** Reads machine accounts. Out-of-scope machines are read as if they did not exist. */
/**
 * One page of a machine list, by id: the machines after `after` (exclusive), at most `limit`.
 * Keyset paging, so a page deep in 100,000 machines costs what the first one does.
 */
export interface MachinePage {
  after?: string;
  limit?: number;
}

export interface MachineReader {
  findMachine(id: string, scope?: MachineScope): Promise<MachineRecord | null>;
  findMachineByKey(fingerprint: string): Promise<MachineRecord | null>;
  /**
   * Machines whose id matches a LIKE pattern, or any of several (with "\" escaping "%", "_"
   * and itself, as MachineFilter.likePatterns gives them), or all; ordered by id.
   */
  listMachines(
    likePatterns: string | readonly string[] | null,
    scope?: MachineScope,
    page?: MachinePage,
  ): Promise<MachineRecord[]>;
  /**
   * The id and group of each machine listMachines would return, in the same order, and nothing
   * else: what a bulk request needs of its targets. Reading 100,000 whole rows (audit and
   * settings parsed) for a fan-out cost more than queueing its commands.
   */
  listMachineTargets(
    likePatterns: string | readonly string[] | null,
    scope?: MachineScope,
  ): Promise<Array<{ id: string; groupId: string }>>;
  /**
   * The machines among `ids` (unknown ids are left out), in one query: bulk requests resolve
   * their targets with it in chunks (of at most 1,000 ids) instead of one query per id.
   */
  findMachines(ids: readonly string[], scope?: MachineScope): Promise<MachineRecord[]>;
  /** One sorted, searched page of the machines in scope, and how many the query matches in all. */
  listMachinePage(query: MachineListQuery, scope?: MachineScope): Promise<MachineList>;
}

/** Fields of a pre-created (never checked in) machine account. */
export interface NewMachineAccount {
  id: string;
  guid: string;
  name: string;
  groupId: string;
  temporary: boolean;
  checkinControl: CheckinControl;
  createdAt: number;
}

/** Changes machine accounts outside the check-in hot path. */
export interface MachineWriter {
  /** Creates an account no agent holds yet; false when the id exists. */
  createMachineAccount(account: NewMachineAccount): Promise<boolean>;
  setSuspended(id: string, suspended: boolean): Promise<boolean>;
  setRemoteControlEnabled(id: string, enabled: boolean): Promise<boolean>;
  /**
   * Writes new check-in control settings and bumps each machine's settings revision; returns
   * the new revision of each machine that exists (unknown ids are skipped).
   */
  updateCheckinControl(
    updates: ReadonlyArray<{ id: string; checkinControl: CheckinControl }>,
  ): Promise<Array<{ id: string; revision: number }>>;
  /**
   * Records that the agent applied settings `revision`. True when that changed the machine (a
   * newer revision than it had confirmed, and one that was sent); false for a repeat, a late
   * acknowledgement of an older revision, one never sent, or an unknown machine.
   */
  recordSettingsApplied(id: string, revision: number): Promise<boolean>;
  recordAudit(id: string, inventory: Inventory, now: number): Promise<void>;
  markConnected(id: string, remoteAddress: string, hardwareId: string, now: number): Promise<void>;
  markDisconnected(id: string): Promise<void>;
  /** Clears every connected flag (a single server starting up holds no sessions). */
  markAllDisconnected(): Promise<void>;
  /** Deletes a machine account (its agent uninstalled itself); false when unknown. */
  deleteMachine(id: string): Promise<boolean>;
  /** Deletes temporary machines offline since before `cutoff`; returns their ids. */
  deleteOfflineTemporary(cutoff: number): Promise<string[]>;
}

/** The outcome of removing a machine account at an administrator's request. */
export type MachineRemoval =
  | { kind: 'removed'; changes: CommandChange[] }
  | { kind: 'not-found' }
  /** The machine is the offsite server of local servers on other machines. */
  | { kind: 'offsite-in-use'; localServerIds: string[] };

/** Removes machine accounts an administrator deletes. */
export interface MachineRemover {
  /**
   * Deletes the account and ends its unfinished commands, in one transaction: those never
   * delivered are canceled, delivered ones (processing, or returned to the queue) end
   * `unknown` because they may have run. Its replication roles go with it.
   */
  removeMachine(id: string, now: number): Promise<MachineRemoval>;
}

/**
 * Writes the volatile state of many check-ins in one transaction. A batch holds at most one
 * update per machine (the coalescer keeps the latest); which of two would win is not defined.
 */
export interface CheckinRecorder {
  recordCheckins(batch: readonly CheckinUpdate[]): Promise<void>;
  /** Writes many session starts and ends in one transaction (the latest per machine). */
  recordConnections(batch: readonly ConnectionUpdate[]): Promise<void>;
  /**
   * Clears the `connected` flag of every machine the node `recordedBy` holds; returns how many.
   * A node calls it as it starts, before it admits anyone: sessions of its previous run are
   * gone, and their ends were never written if it was killed or could not finish its shutdown.
   */
  releaseConnections(recordedBy: string): Promise<number>;
}

/** Per-group check-in policies. */
export interface PolicyStore {
  putPolicy(groupId: string, policy: CheckinPolicy): Promise<void>;
  /** The policies of the given groups that have one. */
  policiesOf(groupIds: readonly string[]): Promise<Map<string, CheckinPolicy>>;
}

/** A stored notification. */
export interface NotificationRecord {
  id: number;
  type: string;
  machineId: string | null;
  message: string;
  createdAt: number;
}

/** Administrator notifications (warnings). */
export interface NotificationStore {
  /** Adds a notification unless one with the same dedupe key exists; true when added. */
  addNotification(n: Omit<NotificationRecord, 'id'> & { dedupeKey: string }): Promise<boolean>;
  /**
   * Notifications newest first. With a scope, only those of machines in it: a notification of
   * no machine (or of one since deleted) is seen only by a caller who sees everything.
   */
  listNotifications(type?: string, scope?: ScopeFilter): Promise<NotificationRecord[]>;
  setTypeEnabled(type: string, enabled: boolean): Promise<void>;
  /** Stored on/off switches; types not listed use their default. */
  typeSwitches(): Promise<Map<string, boolean>>;
}

/** Users: profiles, credentials and the master guard. */
export interface UserStore {
  /** Creates a user; false when the name is taken. */
  createUser(user: NewUser): Promise<boolean>;
  findUser(id: string): Promise<UserRecord | null>;
  findUserByName(name: string): Promise<UserRecord | null>;
  /** Every user, by name. */
  listUsers(): Promise<UserRecord[]>;
  /**
   * Changes a profile. Disabling the last active user holding (master, master) is refused
   * (`last-master`, nothing changed), checked in the same transaction as the change.
   */
  updateUser(id: string, patch: UserPatch, now: number): Promise<MasterGuardedResult>;
  /** Deletes a user with their grants, tokens and sessions; refused for the last active master. */
  deleteUser(id: string): Promise<MasterGuardedResult>;
  /** What signing in checks, by name; null when unknown. */
  credentialsByName(name: string): Promise<UserCredentials | null>;
  credentialsById(id: string): Promise<UserCredentials | null>;
  setPasswordHash(id: string, hash: string | null, now: number): Promise<boolean>;
  /** Enrolls (a secret) or removes (null) TOTP; the replay guard starts over. */
  setTotpSecret(id: string, secret: string | null, now: number): Promise<boolean>;
  /**
   * Records a TOTP time step as used, only if it is later than the last one used: false means
   * the step (or a later one) was used before, a replay. Atomic, so two nodes cannot both accept.
   */
  useTotpStep(id: string, step: number): Promise<boolean>;
  recordLogin(id: string, now: number): Promise<void>;
  /** How many active users hold the master role with the master scope. */
  countActiveMasters(): Promise<number>;
}

/** Roles: named permission sets. */
export interface RoleStore {
  /** Creates a role; false when the name is taken. */
  createRole(role: Omit<RoleRecord, 'updatedAt' | 'builtIn'>): Promise<boolean>;
  findRole(id: string): Promise<RoleRecord | null>;
  findRoleByName(name: string): Promise<RoleRecord | null>;
  listRoles(): Promise<RoleRecord[]>;
  /** Changes a role that is not built in; `conflict` when the new name is taken. */
  updateRole(
    id: string,
    patch: { name?: string; permissions?: string[]; requireTotp?: boolean },
    now: number,
  ): Promise<'done' | 'not-found' | 'conflict'>;
  /** Deletes a role that is not built in, and the grants that name it. */
  deleteRole(id: string): Promise<boolean>;
}

/** Scopes: named sets of included and excluded organizations, groups and machines. */
export interface ScopeStore {
  /** Creates a scope; false when the name is taken. */
  createScope(scope: Omit<ScopeRecord, 'updatedAt' | 'builtIn'>): Promise<boolean>;
  findScope(id: string): Promise<ScopeRecord | null>;
  findScopeByName(name: string): Promise<ScopeRecord | null>;
  listScopes(): Promise<ScopeRecord[]>;
  /** Changes a scope that is not built in; `conflict` when the new name is taken. */
  updateScope(
    id: string,
    patch: { name?: string; entries?: ScopeEntry[] },
    now: number,
  ): Promise<'done' | 'not-found' | 'conflict'>;
  /** Deletes a scope that is not built in, and the grants that name it. */
  deleteScope(id: string): Promise<boolean>;
  /** Whether an organization exists (scope entries must name something). */
  organizationExists(id: string): Promise<boolean>;
}

/** The (role, scope) pairs users hold. */
export interface GrantStore {
  /** A user's pairs with role and scope resolved, by role name then scope name. */
  grantsOf(userId: string): Promise<GrantRecord[]>;
  /**
   * Replaces a user's pairs in one transaction. Refused (`last-master`, nothing changed) when
   * it would leave no active user holding (master, master).
   */
  setGrants(userId: string, grants: readonly GrantRef[]): Promise<MasterGuardedResult>;
}

/** Per-user API tokens. */
export interface ApiTokenStore {
  createApiToken(token: NewApiToken): Promise<void>;
  /** A token by the hash of its secret, with its owner; null when unknown. */
  findApiTokenByHash(tokenHash: string): Promise<{ token: ApiTokenRecord; owner: CredentialOwner } | null>;
  /** Tokens, newest first: one user's, or everybody's (userId null). */
  listApiTokens(userId: string | null): Promise<ApiTokenRecord[]>;
  findApiToken(id: string): Promise<ApiTokenRecord | null>;
  /** Revokes a token; revoking twice keeps the first time. Null when unknown. */
  revokeApiToken(id: string, now: number): Promise<ApiTokenRecord | null>;
  /** Writes last-used times of many tokens at once (coalesced by the caller). */
  touchApiTokens(uses: ReadonlyMap<string, number>): Promise<void>;
  /** How many API tokens were ever made (revoked ones included). */
  countApiTokens(): Promise<number>;
}

/** Console sessions. */
export interface SessionStore {
  createSession(session: NewSession): Promise<void>;
  /** A session by the hash of its secret, with its owner; null when unknown. */
  findSessionByHash(secretHash: string): Promise<{ session: SessionRecord; owner: CredentialOwner } | null>;
  /** Writes last-seen times of many sessions at once (coalesced by the caller). */
  touchSessions(seen: ReadonlyMap<string, number>): Promise<void>;
  /** Revokes one session; false when unknown. */
  revokeSession(id: string, now: number): Promise<boolean>;
  /** Revokes every session of a user (password reset, disable) but `except`; returns how many. */
  revokeSessionsOf(userId: string, now: number, except?: string | null): Promise<number>;
  /** Deletes sessions that ended before `cutoff`; returns how many. */
  deleteSessionsEndedBefore(cutoff: number): Promise<number>;
}

/** The stored server identity key. */
export interface ServerIdentityRecord {
  privateKeyPem: string;
  publicKeyDer: string;
  createdAt: number;
}

/** Keeps the server identity in the store so every server node presents the same Server ID. */
export interface IdentityStore {
  loadIdentity(): Promise<ServerIdentityRecord | null>;
  /** Stores the identity, replacing any previous one (Change ID). */
  saveIdentity(identity: ServerIdentityRecord): Promise<void>;
}

/** One backend's implementation of every store interface, by part. Wired in main.ts. */
export interface StoreBackend {
  dialect: 'sqlite' | 'postgres';
  /** Whether the store answers, and the queue's depth (health and metrics). */
  monitoring: StoreMonitor;
  groups: GroupRegistry;
  installTokens: InstallTokenStore;
  machines: MachineReader & MachineWriter;
  machineRemoval: MachineRemover;
  checkins: CheckinRecorder;
  policies: PolicyStore;
  notifications: NotificationStore;
  users: UserStore;
  roles: RoleStore;
  scopes: ScopeStore;
  grants: GrantStore;
  apiTokens: ApiTokenStore;
  sessions: SessionStore;
  identity: IdentityStore;
  commands: CommandQueueStore;
  devices: DeviceStore;
  webhooks: WebhookStore;
  alerts: AlertStore;
  files: FileStore;
  replication: ReplicationStore;
  audit: AuditAppender & AuditReader;
  /** Remote terminal sessions and their recordings (issue 14). */
  terminalSessions: TerminalSessionStore;
  /** Where each server node is reached, to relay a terminal to the node holding an agent. */
  nodes: NodeDirectory;
  /** Each machine's connections: begun, ended, check-ins counted (issue 10, machine page). */
  connectionHistory: ConnectionHistoryStore;
  close(): Promise<void>;
}

/** What claimFirstPerTarget handed out. */
export interface FirstClaims {
  claimed: CommandRecord[];
  /**
   * Endpoints given a command that still have pending ones after it (rows another transaction
   * held locked are not seen, as with every claim).
   */
  morePending: string[];
}

/** The durable command queue. Every change of status is one transaction with its transition row. */
export interface CommandQueueStore {
  /**
   * Enqueues commands in one transaction. With an idempotency key already used, enqueues
   * nothing and returns the commands of the first request.
   */
  enqueue(
    commands: readonly NewCommand[],
    idempotencyKey: string | null,
    now: number,
  ): Promise<{ created: boolean; commands: CommandRecord[] }>;
  /**
   * Moves up to `limit` pending commands of one endpoint to processing (priority first, then
   * FIFO), counting an attempt and taking a lease. Commands whose time to live passed are
   * expired instead of handed out.
   */
  claimNext(
    kind: TargetKind,
    targetId: string,
    now: number,
    leaseMs: number,
    limit: number,
    /** The agent session the commands go to (see releaseHolders); null for devices. */
    holder?: string | null,
  ): Promise<{ claimed: CommandRecord[]; changes: CommandChange[] }>;
  /**
   * Records the outcome of a delivered command of this endpoint: one processing, one returned
   * to the queue after delivery, or one that ended `unknown`. Refuses (and stores nothing) an
   * unknown id, another endpoint's command, one never delivered, or one already finished.
   */
  finish(
    id: string,
    kind: TargetKind,
    targetId: string,
    outcome: CommandOutcome,
    now: number,
  ): Promise<CommandRecord | CommandRefusal>;
  /**
   * Records many results as `finish` does each, in one transaction: each result's record or
   * refusal, in the order given (a second result for one command meets it finished).
   */
  finishMany(requests: readonly FinishRequest[], now: number): Promise<Array<CommandRecord | CommandRefusal>>;
  /**
   * Claims, for each listed endpoint, its next pending command (priority, then FIFO) in one
   * transaction: a fan-out to thousands of agents costs one round trip per batch, not one per
   * agent. Commands past their time to live are left to the sweeper. Says which endpoints had
   * more than one pending command, so no claim need follow a result of the only one.
   */
  claimFirstPerTarget(
    kind: TargetKind,
    targets: ReadonlyArray<{ targetId: string; holder: string | null }>,
    now: number,
    leaseMs: number,
  ): Promise<FirstClaims>;
  /** Moves the lease of a processing command (a long shell timeout needs a longer lease). */
  extendLease(id: string, until: number): Promise<void>;
  /** Returns a processing command of this endpoint to pending ("not now"). */
  release(
    id: string,
    kind: TargetKind,
    targetId: string,
    now: number,
    detail: string,
  ): Promise<CommandRecord | CommandRefusal>;
  /**
   * Every processing command of these endpoints goes back to pending (or ends `unknown` after
   * the last attempt): used when an agent starts a new session, which supersedes all before it.
   */
  releaseEndpoints(kind: TargetKind, targetIds: readonly string[], now: number): Promise<CommandChange[]>;
  /**
   * The sessions ended: only the processing commands they held go back to pending (or end
   * `unknown`). A stale session on one node never gives back what the agent's newer session,
   * on another node, is running.
   */
  releaseHolders(kind: TargetKind, holders: readonly string[], now: number): Promise<CommandChange[]>;
  /** Processing commands whose lease ran out go back to pending, or end `unknown` after the last attempt. */
  expireLeases(now: number, limit: number): Promise<CommandChange[]>;
  /** Pending commands whose time to live passed end: `expired` if never delivered, else `unknown`. */
  expireTtl(now: number, limit: number): Promise<CommandChange[]>;
  /**
   * Cancels a pending command (`canceled`, or `unknown` if it was delivered before); otherwise
   * returns it unchanged (or null if unknown).
   */
  cancel(id: string, now: number): Promise<{ canceled: boolean; command: CommandRecord | null }>;
  /** A command, when it exists and its target is in scope (omitted: everything). */
  getCommand(id: string, scope?: ScopeFilter): Promise<CommandRecord | null>;
  transitionsOf(id: string): Promise<CommandTransition[]>;
  /** Commands by query, in its order (default: newest first), at most `limit`. */
  listCommands(query: CommandQuery): Promise<CommandRecord[]>;
  /** A page of commands by query, and how many the query matches in all (limit and position left out). */
  listCommandPage(query: CommandQuery): Promise<{ rows: CommandRecord[]; total: number }>;
  /** Deletes up to `limit` finished commands older than `cutoff`; returns how many. */
  deleteFinishedBefore(cutoff: number, limit: number): Promise<number>;
}

/** Mobile devices: enrollment, facts, settings, locations, replay guard, wake-up log. */
export interface DeviceStore {
  createEnrollmentToken(t: {
    id: string;
    tokenHash: string;
    groupId: string;
    platform: string;
    expiresAt: number | null;
    createdAt: number;
  }): Promise<void>;
  enrollDevice(e: DeviceEnrollment): Promise<DeviceEnrollmentResult>;
  /** A device, when it exists and is in scope (a device is scoped like a machine of its group). */
  findDevice(id: string, scope?: ScopeFilter): Promise<DeviceRecord | null>;
  /** Devices whose id matches any of the LIKE patterns (as listMachines reads them), or all. */
  listDevices(likePatterns: string | readonly string[] | null, scope?: ScopeFilter): Promise<DeviceRecord[]>;
  /** One sorted, searched page of the devices in scope, and how many the query matches in all. */
  listDevicePage(query: DeviceListQuery, scope?: ScopeFilter): Promise<DeviceList>;
  /**
   * The devices among `ids` of one platform that have a push channel (unknown ids are absent):
   * the ones a push-capable command can wake, looked up in chunks for a queue of 100,000.
   */
  pushableDevices(ids: readonly string[], platform: DevicePlatform): Promise<DeviceRecord[]>;
  /** The groups of the given ids (unknown and out-of-scope ids are absent). */
  deviceGroups(ids: readonly string[], scope?: MachineScope): Promise<Map<string, string>>;
  recordDeviceCheckin(
    id: string,
    now: number,
    info: { model?: string; osVersion?: string; batteryPercent?: number; pushChannel?: PushChannel },
  ): Promise<void>;
  setDeviceSettings(id: string, settings: DeviceGroupSettings): Promise<boolean>;
  setDeviceGroupSettings(groupId: string, settings: DeviceGroupSettings): Promise<void>;
  deviceGroupSettings(groupIds: readonly string[]): Promise<Map<string, DeviceGroupSettings>>;
  addLocations(deviceId: string, points: readonly StoredLocation[], receivedAt: number): Promise<void>;
  locations(deviceId: string, from: number, to: number, limit: number): Promise<StoredLocation[]>;
  deleteLocationsReceivedBefore(cutoff: number, limit: number): Promise<number>;
  /** Records a nonce; false when this device used it before (a replay). */
  useNonce(deviceId: string, nonce: string, expiresAt: number): Promise<boolean>;
  deleteExpiredNonces(now: number): Promise<void>;
  addWake(w: WakeRecord): Promise<void>;
  updateWake(
    id: string,
    change: Partial<Pick<WakeRecord, 'status' | 'reason' | 'attempts' | 'sentAt'>>,
  ): Promise<void>;
  /** Marks the sent wake-ups still waiting for a check-in as answered by this one. */
  markWakesAnswered(deviceId: string, at: number): Promise<void>;
  wakes(deviceId: string, limit: number): Promise<WakeRecord[]>;
}

/**
 * Appends to the hash-chained audit log. There is deliberately no way to change or delete an
 * entry: appends from every server node form one chain (each entry links to the one before).
 */
export interface AuditAppender {
  /** Appends one entry with its targets, links it to the chain head and returns it as stored. */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
}

/** Reads the audit log: pages for people, the raw chain for verification. */
export interface AuditReader {
  /** Entries the query's scope holds, newest first (see AuditQuery). */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Up to `limit` entries with seq greater than `afterSeq`, oldest first, unscoped. */
  auditChain(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** The chain head: seq and hash of the newest entry (seq 0 and the genesis hash when empty). */
  auditHead(): Promise<AuditHead>;
  /** The greatest seq stored (0 when empty), whether or not the chain links to it. */
  maxAuditSeq(): Promise<number>;
}

import { generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach } from 'node:test';
import type { CommandMessage, CommandResultMessage } from '@muster/protocol';
import { inProcessBus } from '../bus/in-process.bus';
import { CommandQueueService, type FanOutClaims } from '../services/command-queue.service';
import type { ServerIdentity } from '../services/server-identity.service';
import type { CommandRecord, NewCommand, TargetKind } from '../store/command-record';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { queueOver } from '../test-support/command-queue';
import { createTestSqliteFile } from '../test-support/sqlite';
import { CommandDispatcher, type DispatchTarget } from './command-dispatcher';

/*
 * What the command dispatcher's tests share: commands, a recording session, the real queue
 * service with claims that can be held, and a suite on a real SQLite store.
 */

let seq = 0;

/** The tests' clock starts here. */
export const T0 = 1_900_000_000_000;
/** A shell command for a machine of d.acme, with an id of its own. */
export function newCommand(targetId: string): NewCommand {
  seq += 1;
  return {
    id: `disp-${seq}`,
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: 'd.acme',
    type: 'shell',
    params: { script: `echo ${seq}`, timeoutSeconds: 1 },
    priority: 0,
    maxAttempts: 3,
    expiresAt: null,
  };
}

/** A session as the dispatcher sees it, recording what it was sent. */
export class RecordingTarget implements DispatchTarget {
  suspended = false;
  inFlight: string | null = null;
  inFlightUntil = 0;
  inFlightSince = 0;
  recheck = false;
  mayHaveWork = true;
  readonly commands: CommandMessage[] = [];
  readonly acks: string[] = [];
  readonly rejects: string[] = [];
  constructor(
    readonly machineId: string,
    readonly holder: string,
  ) {}
  sendCommand(message: CommandMessage): void {
    this.commands.push(message);
  }
  sendAck(id: string): void {
    this.acks.push(id);
  }
  reject(reason: string): void {
    this.rejects.push(reason);
  }
}

/** The real queue service, with a claim that can be held after its transaction committed. */
export class HeldClaimQueue extends CommandQueueService {
  hold: Promise<void> | null = null;
  claimedOnce: (() => void) | null = null;
  /** Held before the claim's transaction starts. */
  holdBefore: Promise<void> | null = null;
  claimStarting: (() => void) | null = null;
  /** Claims made, one agent at a time and many at once. */
  singleClaims = 0;
  manyClaims = 0;
  /** Agents the fan-out claims looked for. */
  manyClaimTargets = 0;
  /** Held after a fan-out claim's transaction committed. */
  holdMany: Promise<void> | null = null;
  claimedMany: (() => void) | null = null;
  override async claimFirstPerTarget(
    kind: TargetKind,
    targets: ReadonlyArray<{ targetId: string; holder: string | null }>,
  ): Promise<FanOutClaims> {
    this.manyClaims += 1;
    this.manyClaimTargets += targets.length;
    const claims = await super.claimFirstPerTarget(kind, targets);
    this.claimedMany?.();
    if (this.holdMany) await this.holdMany;
    return claims;
  }
  override async claim(
    kind: TargetKind,
    targetId: string,
    limit: number,
    holder: string | null = null,
  ): Promise<CommandRecord[]> {
    this.singleClaims += 1;
    this.claimStarting?.();
    if (this.holdBefore) await this.holdBefore;
    const claimed = await super.claim(kind, targetId, limit, holder);
    this.claimedOnce?.();
    if (this.hold) await this.hold;
    return claimed;
  }
}

/** A fresh signing identity. */
export function testIdentity(): ServerIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyDer: publicKey.export({ type: 'spki', format: 'der' }), serverId: 'test' };
}

/** An agent's report that a command completed. */
export const result = (id: string, output = 'ran'): CommandResultMessage => ({
  t: 'command-result',
  id,
  status: 'complete',
  exitCode: 0,
  output,
});

/** A dispatcher over `queue` with a fresh identity, its clock stopped at T0. */
export function dispatcherAtT0(
  queue: CommandQueueService,
  warn: (message: string) => void = () => undefined,
): CommandDispatcher {
  const identity = testIdentity();
  return new CommandDispatcher(
    queue,
    () => identity,
    () => T0,
    (_fields, message) => warn(message),
  );
}

/** What a dispatcher suite's tests reach (set up before its first test). */
export interface DispatcherSuite {
  store: StoreBackend;
  queue: HeldClaimQueue;
  dispatcher: CommandDispatcher;
  /** The dispatcher's and the queue's clock: a test may move it. */
  now: number;
  /** The dispatcher's warnings in the current test. */
  warnings: string[];
}

/**
 * Sets up, inside a describe, a dispatcher over the real queue on a fresh SQLite store and an
 * in-process bus; its holds are cleared before each test.
 */
export function dispatcherSuite(): DispatcherSuite {
  const file = createTestSqliteFile();
  const identity = testIdentity();
  const suite = { now: T0, warnings: [] as string[] } as DispatcherSuite;
  before(async () => {
    suite.store = await openSqlStore({ sqliteFile: file.file });
    await suite.store.groups.ensureGroup('d.acme', T0);
    suite.queue = queueOver(HeldClaimQueue, suite.store, inProcessBus(), () => suite.now);
    suite.dispatcher = new CommandDispatcher(
      suite.queue,
      () => identity,
      () => suite.now,
      (_fields, message) => suite.warnings.push(message),
    );
  });
  beforeEach(() => {
    const q = suite.queue;
    q.hold = null;
    q.claimedOnce = null;
    q.holdBefore = null;
    q.claimStarting = null;
    q.holdMany = null;
    q.claimedMany = null;
    suite.warnings.length = 0;
  });
  after(async () => {
    await suite.store.close();
    file.cleanup();
  });
  return suite;
}

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlockHasher } from './block-hasher';
import { type BlockMemo, BlockMemoRecorder } from './block-memo';
import type { OffsiteEvent } from './offsite-events';
import { type OffsiteServer, type OffsiteServerOptions, startOffsiteServer } from './offsite-server';
import { type ReplicateOptions, type ReplicationSummary, replicate } from './replicate';
import { isReplicationError } from './replication-error';
import { createReplicationIdentity, type ReplicationIdentity } from './tls-identity';
import { xxh64 } from './xxh64';

/** A local server directory, an offsite root and a running offsite server, in temporary folders (tests only). */
export interface TestWorld {
  base: string;
  root: string;
  localDir: string;
  stateDir: string;
  guid: string;
  local: ReplicationIdentity;
  offsite: ReplicationIdentity;
  server: OffsiteServer;
  events: OffsiteEvent[];
  /** Runs one replication pass with the world's settings, overridable. */
  pass(extra?: Partial<ReplicateOptions>): Promise<ReplicationSummary>;
  /** Writes a file under the local server directory. */
  write(path: string, data: Buffer | string): Promise<void>;
  /** The offsite copy of the local server folder. */
  guidDir: string;
  cleanup(): Promise<void>;
}

/** Identities are slow-ish to make; tests share two. */
let shared: Promise<[ReplicationIdentity, ReplicationIdentity]> | undefined;

/** Builds a TestWorld (tests only). */
export async function makeWorld(serverOptions: Partial<OffsiteServerOptions> = {}): Promise<TestWorld> {
  shared ??= Promise.all([createReplicationIdentity(), createReplicationIdentity()]);
  const [local, offsite] = await shared;
  const base = await mkdtemp(join(tmpdir(), 'muster-repl-'));
  const root = join(base, 'offsite');
  const localDir = join(base, 'local');
  const stateDir = join(base, 'state');
  await mkdir(localDir, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const guid = 'ls-0f3a';
  const events: OffsiteEvent[] = [];
  const server = await startOffsiteServer({
    root,
    port: 0,
    host: '127.0.0.1',
    identity: offsite,
    allow: [{ guid, keyFingerprint: local.fingerprint }],
    onEvent: (event) => events.push(event),
    ...serverOptions,
  });
  return {
    base,
    root,
    localDir,
    stateDir,
    guid,
    local,
    offsite,
    server,
    events,
    guidDir: join(root, guid),
    pass: (extra = {}) =>
      replicate({
        localDir,
        localServerGuid: guid,
        stateDir,
        offsite: { host: '127.0.0.1', port: server.port, keyFingerprint: offsite.fingerprint },
        identity: local,
        deleteDelaySeconds: 0,
        ...extra,
      }),
    write: async (path, data) => {
      const file = join(localDir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, data);
    },
    cleanup: async () => {
      await server.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** SHA-256 of every regular file under `dir` (hidden `.muster-*` entries at the top skipped), by relative path. */
export async function treeDigest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (current: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (prefix === '' && entry.name.startsWith('.muster-')) continue;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(join(current, entry.name), path);
      else if (entry.isFile())
        out[path] = createHash('sha256')
          .update(await readFile(join(current, entry.name)))
          .digest('hex');
    }
  };
  await walk(dir, '');
  return out;
}

/** The block memo a sender keeps of `data` at `blockSize`, built as the sender builds it (tests only). */
export async function blockMemoOf(data: Buffer, blockSize: number): Promise<BlockMemo> {
  const hasher = new BlockHasher(blockSize, false);
  const recorder = new BlockMemoRecorder(blockSize);
  for (let at = 0; at < data.length; at += blockSize) {
    const block = data.subarray(at, at + blockSize);
    hasher.update(block);
    recorder.add(xxh64(block));
  }
  hasher.finish();
  const memo = recorder.finish(data.length, hasher.strongs);
  if (!memo) throw new Error('a recorder given whole blocks gives a memo');
  return memo;
}

const offsiteFixture = fileURLToPath(new URL('./resume-child.fixture.ts', import.meta.url));

/**
 * Starts an offsite server in a child process (resume-child.fixture.ts, settings as in its
 * MUSTER_CHILD) for the kill -9 tests, and waits for its port (tests only).
 */
function startOffsiteChild(config: object): Promise<{ proc: ChildProcess; port: number; output: string[] }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', offsiteFixture, 'offsite'], {
    env: { ...process.env, MUSTER_CHILD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /port (\d+)/.exec(chunk.toString());
      if (match) resolve({ proc, port: Number(match[1]), output });
    });
    proc.once('exit', () => reject(new Error('offsite child exited before listening')));
  });
}

/**
 * Offsite servers in child processes serving a world's root, for the kill -9 tests: stop the
 * world's own server first (tests only).
 */
export class OffsiteChildren {
  private readonly children: ChildProcess[] = [];

  constructor(private readonly world: TestWorld) {}

  private get config(): object {
    const { world } = this;
    return {
      root: world.root,
      identity: world.offsite,
      allow: [{ guid: world.guid, keyFingerprint: world.local.fingerprint }],
    };
  }

  private async start(extra: object = {}): Promise<{ proc: ChildProcess; port: number; output: string[] }> {
    const child = await startOffsiteChild({ ...this.config, ...extra });
    this.children.push(child.proc);
    return child;
  }

  private offsite(port: number): ReplicateOptions['offsite'] {
    return { host: '127.0.0.1', port, keyFingerprint: this.world.offsite.fingerprint };
  }

  /** One pass against a fresh offsite child, killed after it. */
  async pass(): Promise<ReplicationSummary> {
    const child = await this.start();
    try {
      return await this.world.pass({ offsite: this.offsite(child.port) });
    } finally {
      child.proc.kill('SIGKILL');
    }
  }

  /**
   * A pass against an offsite child that kills itself (SIGKILL) at `killAt` ("step" or
   * "step:n", see resume-child.fixture.ts); checks that it died there and the pass lost its
   * connection.
   */
  async passKilledAt(killAt: string): Promise<void> {
    const doomed = await this.start({ killAt });
    const exited = new Promise((resolve) => doomed.proc.once('exit', resolve));
    await assert.rejects(this.world.pass({ offsite: this.offsite(doomed.port) }), (e) =>
      isReplicationError(e, 'connection-lost'),
    );
    await exited;
    assert.match(doomed.output.join(''), new RegExp(`killed at ${killAt.split(':')[0]}`));
  }

  /** Kills every child still running. */
  killAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}

import { mkdir } from 'node:fs/promises';
import type { TLSSocket } from 'node:tls';
import type { FrameChannel } from './frame-channel';
import { FrameType } from './frame-codec';
import type { HashPool } from './hash-pool';
import type { KeyedLock } from './keyed-lock';
import type { OffsiteEvent, OffsiteStats } from './offsite-events';
import { GUID_PATTERN, guidDirectory } from './offsite-layout';
import { OffsiteSession, type StatfsFunction } from './offsite-session';
import { ReplicationError } from './replication-error';
import type { RetentionPolicy } from './snapshot-retention';
import { loadStoreId, readStalePaths } from './store-state';
import { buildSyntheticFull, pruneSnapshots } from './synthetic-full';
import {
  FEATURE_INLINE,
  FEATURE_INLINE_BLOCK,
  PROTOCOL_VERSION,
  parseHello,
  type WelcomeHeader,
} from './wire-messages';

/** What the server hands one pinned connection. */
export interface HandshakeContext {
  channel: FrameChannel;
  socket: TLSSocket;
  root: string;
  isAllowed: (guid: string) => boolean;
  refuse: (code: 'unknown-local-server', reason: string) => void;
  lock: KeyedLock;
  active: Map<string, TLSSocket>;
  stats: OffsiteStats;
  emit: (event: OffsiteEvent) => void;
  statfs: StatfsFunction;
  reserveBytes: number;
  syntheticFull: { retention: RetentionPolicy } | undefined;
  hashPool: HashPool | undefined;
}

/**
 * Takes a pinned connection from hello to the end of its session: checks the claimed GUID
 * against the allow list entries of the key, replaces any older session of that GUID (it may
 * not have noticed its connection died), and answers with the store id and stale paths.
 */
export async function serveSession(ctx: HandshakeContext): Promise<void> {
  const { channel } = ctx;
  let guid = '';
  try {
    const frame = await channel.receive();
    if (!frame) return;
    if (frame.type !== FrameType.hello) throw new ReplicationError('protocol-violation', 'expected hello');
    const hello = parseHello(frame.header);
    if (hello.v !== PROTOCOL_VERSION)
      throw new ReplicationError('unsupported-version', `protocol ${hello.v}`);
    if (!GUID_PATTERN.test(hello.guid) || !ctx.isAllowed(hello.guid)) {
      ctx.refuse(
        'unknown-local-server',
        `local server ${hello.guid.slice(0, 64)} is not allowed with this key`,
      );
      return;
    }
    guid = hello.guid;
    ctx.active.get(guid)?.destroy();
    await ctx.lock.run(guid, () => runLocked(ctx, guid));
  } catch (error) {
    const failure =
      error instanceof ReplicationError
        ? error
        : new ReplicationError('io-error', String(error), { cause: error });
    if (guid)
      ctx.emit({ type: 'session-end', guid, error: { code: failure.code, message: failure.message } });
    else ctx.emit({ type: 'error', code: failure.code, message: failure.message });
    if (failure.code !== 'connection-lost') await channel.close(failure.code, failure.message);
  } finally {
    ctx.stats.bytesReceived += channel.bytesRead;
  }
}

async function runLocked(ctx: HandshakeContext, guid: string): Promise<void> {
  if (ctx.socket.destroyed)
    throw new ReplicationError('connection-lost', 'connection closed before its turn');
  ctx.active.set(guid, ctx.socket);
  try {
    const guidDir = guidDirectory(ctx.root, guid);
    await mkdir(guidDir, { recursive: true });
    const stale = await readStalePaths(guidDir);
    const welcome: WelcomeHeader = {
      v: PROTOCOL_VERSION,
      storeId: await loadStoreId(guidDir),
      stale: [...stale],
      features: [FEATURE_INLINE, FEATURE_INLINE_BLOCK],
    };
    await ctx.channel.send(FrameType.welcome, welcome);
    ctx.stats.sessions += 1;
    ctx.emit({ type: 'session-start', guid, remoteAddress: ctx.socket.remoteAddress });
    const session = new OffsiteSession({
      guid,
      guidDir,
      channel: ctx.channel,
      stale,
      statfs: ctx.statfs,
      reserveBytes: ctx.reserveBytes,
      stats: ctx.stats,
      emit: ctx.emit,
      ...(ctx.hashPool ? { hashPool: ctx.hashPool } : {}),
      onPassComplete: async () => {
        if (!ctx.syntheticFull) return;
        const snapshot = await buildSyntheticFull(guidDir);
        const pruned = await pruneSnapshots(guidDir, ctx.syntheticFull.retention);
        ctx.emit({ type: 'snapshot', guid, path: snapshot.path, pruned });
      },
    });
    await session.run();
    await ctx.channel.close();
    ctx.emit({ type: 'session-end', guid });
  } finally {
    if (ctx.active.get(guid) === ctx.socket) ctx.active.delete(guid);
  }
}

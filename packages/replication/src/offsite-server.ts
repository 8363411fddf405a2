import { EventEmitter } from 'node:events';
import { mkdir, statfs } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { dataBuffers } from './buffer-pool';
import { FrameChannel } from './frame-channel';
import { HashPool } from './hash-pool';
import { KeyedLock } from './keyed-lock';
import type { OffsiteEvent, OffsiteStats } from './offsite-events';
import { serveSession } from './offsite-handshake';
import { validateOffsiteRoot } from './offsite-root';
import type { StatfsFunction } from './offsite-session';
import { type VerifyReport, verifyOffsite } from './offsite-verify';
import { ReplicationError } from './replication-error';
import type { RetentionPolicy } from './snapshot-retention';
import { peerFingerprint, TLS_CIPHERSUITES, TLS_VERSION } from './tls-identity';
import { keepYoungGenerationSmall } from './young-generation';

/** A local server the offsite accepts: its GUID and the fingerprint of its key. */
export interface AllowedLocalServer {
  guid: string;
  keyFingerprint: string;
}

/** How to run an offsite server. */
export interface OffsiteServerOptions {
  /** Directory receiving all data (local or UNC; never a mapped drive). */
  root: string;
  /** TCP port, 1024–49151 (0 picks a free one; for tests). */
  port: number;
  /** Address to bind; all interfaces when omitted. */
  host?: string;
  /** This offsite's key and certificate. */
  identity: { key: string; cert: string };
  /** Local servers allowed to send (replaceable later with setAllowList). */
  allow: readonly AllowedLocalServer[];
  /** A connection silent this long is dropped, before or after the handshake (default 5 min). */
  idleTimeoutMs?: number;
  /** Free-space probe (default fs.promises.statfs). */
  statfs?: StatfsFunction;
  /** Bytes kept free beyond each file (default 0). */
  reserveBytes?: number;
  /** Build a synthetic full snapshot after each complete pass, kept per this policy. */
  syntheticFull?: { retention: RetentionPolicy };
  /** Drive letters that are mapped network drives (Windows), to refuse them as root. */
  mappedDrives?: readonly string[];
  /** Called for every event (also emitted as 'event' on the handle). */
  onEvent?: (event: OffsiteEvent) => void;
  /**
   * Worker threads that hash received blocks while the event loop receives and writes
   * (default 0: hashed on the event loop). Worth it only where a core is idle: on a 2-core
   * machine also running the sender, one thread cost 50 % more offsite CPU and 15-30 MiB of
   * peak RSS for no gain in speed (README, Hashing off the event loop).
   */
  hashThreads?: number;
}

/** A running offsite server. */
export interface OffsiteServer {
  /** The port actually bound. */
  readonly port: number;
  /** Emits 'event' with an OffsiteEvent. */
  readonly events: EventEmitter;
  /** Counters since start. */
  stats(): OffsiteStats;
  /** Replaces the allow list; sessions already running keep going. */
  setAllowList(allow: readonly AllowedLocalServer[]): void;
  /** Verifies one local server's data, waiting for its session to finish first. */
  verify(guid: string): Promise<VerifyReport>;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Lowest and highest port an offsite server may use (the registered range, as the spec requires). */
export const OFFSITE_PORT_RANGE = { min: 1024, max: 49151 } as const;

/**
 * Starts an offsite server: TLS 1.3 with 256-bit suites only, both ends authenticated by pinned
 * keys. A connection that never speaks TLS just waits (as `telnet` shows: a blinking cursor)
 * until the idle timeout.
 */
export async function startOffsiteServer(options: OffsiteServerOptions): Promise<OffsiteServer> {
  const { port } = options;
  if (
    !Number.isInteger(port) ||
    (port !== 0 && (port < OFFSITE_PORT_RANGE.min || port > OFFSITE_PORT_RANGE.max))
  )
    throw new ReplicationError(
      'port-out-of-range',
      `port ${port} is outside ${OFFSITE_PORT_RANGE.min}–${OFFSITE_PORT_RANGE.max}`,
    );
  const rootCheck = validateOffsiteRoot(options.root, process.platform, options.mappedDrives);
  if (!rootCheck.ok) throw new ReplicationError('invalid-root', rootCheck.reason);
  await mkdir(options.root, { recursive: true });
  keepYoungGenerationSmall();

  const idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
  const events = new EventEmitter();
  const emit = (event: OffsiteEvent): void => {
    options.onEvent?.(event);
    events.emit('event', event);
  };
  const stats: OffsiteStats = {
    connections: 0,
    sessions: 0,
    refusals: 0,
    filesCommitted: 0,
    filesFailed: 0,
    pathsRefused: 0,
    bytesReceived: 0,
    literalBytes: 0,
    matchedBytes: 0,
  };
  let allow = [...options.allow];
  const lock = new KeyedLock();
  const active = new Map<string, TLSSocket>();
  const sockets = new Set<Socket>();
  const hashThreads = options.hashThreads ?? 0;
  if (!Number.isInteger(hashThreads) || hashThreads < 0)
    throw new RangeError(`hashThreads must be a whole number ≥ 0, not ${hashThreads}`);
  // Threads start with the first block to hash, not with the server.
  const hashPool = hashThreads > 0 ? new HashPool(hashThreads) : undefined;
  if (hashPool) dataBuffers.shareWithWorkers();

  const server = createServer({
    key: options.identity.key,
    cert: options.identity.cert,
    minVersion: TLS_VERSION,
    maxVersion: TLS_VERSION,
    ciphers: TLS_CIPHERSUITES,
    requestCert: true,
    // The chain is not what is trusted; the pinned key is, checked right after the handshake.
    rejectUnauthorized: false,
    handshakeTimeout: idleTimeoutMs,
  });
  server.on('connection', (socket: Socket) => {
    stats.connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
    stats.refusals += 1;
    emit({ type: 'refused', code: 'tls-failed', reason: error.message, remoteAddress: socket.remoteAddress });
    // With a listener attached, Node leaves closing the failed connection to us.
    socket.destroy();
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
    const fingerprint = peerFingerprint(socket);
    const channel = new FrameChannel(socket);
    const refuse = (code: 'unpinned-peer' | 'unknown-local-server', reason: string): void => {
      stats.refusals += 1;
      emit({ type: 'refused', code, reason, remoteAddress: socket.remoteAddress, fingerprint });
      void channel.close(code, reason);
    };
    const mine = allow.filter((entry) => entry.keyFingerprint === fingerprint);
    if (!fingerprint || mine.length === 0) {
      refuse('unpinned-peer', `key ${fingerprint ?? '(none)'} is not in this offsite server's allow list`);
      return;
    }
    void serveSession({
      channel,
      socket,
      root: options.root,
      isAllowed: (guid) => mine.some((entry) => entry.guid === guid),
      refuse,
      lock,
      active,
      stats,
      emit,
      statfs: options.statfs ?? statfs,
      reserveBytes: options.reserveBytes ?? 0,
      syntheticFull: options.syntheticFull,
      hashPool,
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ReplicationError('port-in-use', `port ${port} is already used by another application`)
          : new ReplicationError('listen-failed', error.message, { cause: error }),
      ),
    );
    server.listen(port, options.host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  server.on('error', (error: Error) =>
    emit({ type: 'error', code: 'listen-failed', message: error.message }),
  );
  emit({ type: 'listening', port: bound });

  return {
    port: bound,
    events,
    stats: () => ({ ...stats }),
    setAllowList: (next) => {
      allow = [...next];
    },
    verify: (guid) => lock.run(guid, () => verifyOffsite(options.root, guid)),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await hashPool?.close();
    },
  };
}

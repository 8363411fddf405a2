/**
 * Fuzzes the live agent gateway. A real server runs in-process (temporary data directory,
 * ports picked by the OS, 127.0.0.1 only); three well-behaved agents enroll and check in; then
 * thousands of random, mutated, out-of-order, oversized and badly signed frames are thrown at
 * the agent port over many connections. Every abusive connection must be closed with the
 * close code an independent prediction expects, authentication failures must be held, no
 * mutated frame may be welcomed, and afterwards the server must still serve: the good agents
 * stay connected and check in, a new agent enrolls, and the machine list holds no garbage.
 *
 * Frames come from a seeded PRNG: set MUSTER_FUZZ_SEED to replay a run; failures name the
 * seed and the case number. What cannot be seeded (the TLS session, the server's nonces, the
 * good agents' keys) only feeds the signatures, and the expectations are computed from those
 * at run time rather than fixed.
 */
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type AgentConnection, type AgentKey, connectAgent, generateAgentKey } from '@muster/agent';
import {
  AgentHandshake,
  type AgentMessage,
  AgentToServer,
  CloseCode,
  createDecoder,
  decodeTerminalOutputFrame,
  encodeFrame,
  encodeTerminalOutputFrame,
  FrameError,
  type HandshakeProof,
  type Inventory,
  keyFingerprint,
  MAX_AGENT_FRAME_BYTES,
  PROTOCOL_VERSION,
  proofTranscript,
  type ServerMessage,
  ServerToAgent,
  signedAuth,
  signProof,
  verifyProof,
} from '@muster/protocol';
import { loadServerConfig, type RunningServer, startServer } from '@muster/server';
import {
  type CloseOutcome,
  encodeRawFrame,
  FuzzConnection,
  type RawOutcome,
  rawTcpGarbage,
  rawTlsExchange,
  runPool,
} from './support/fuzz-client';
import {
  isValidUtf8,
  mutateBytes,
  mutateStructure,
  Rng,
  randomJson,
  seededEd25519,
} from './support/fuzz-random';

const SEED = Number(process.env.MUSTER_FUZZ_SEED ?? 0x6d757374);
const AUTH_FAILURE_DELAY_MS = 200;
const HANDSHAKE_TIMEOUT_MS = 1500;
const GROUP = 'fuzz.acme';
const CONCURRENCY = 24;

/** Codes an abusive connection may end with: application codes and the WebSocket layer's own. */
const ALLOWED_CODES: ReadonlySet<number> = new Set([
  1002, // WebSocket protocol violation (framing)
  1007, // text frame that is not UTF-8
  1009, // frame over MAX_AGENT_FRAME_BYTES
  CloseCode.protocolError,
  CloseCode.handshakeTimeout,
  CloseCode.authFailed,
  CloseCode.tokenInvalid,
  CloseCode.unknownAgent,
  CloseCode.accountConflict,
  CloseCode.unsupportedVersion,
]);
/** Codes the server must only send after holding the connection for authFailureDelayMs. */
const HELD_CODES: ReadonlySet<number> = new Set([
  CloseCode.authFailed,
  CloseCode.tokenInvalid,
  CloseCode.unknownAgent,
  CloseCode.accountConflict,
]);

const agentDecoder = createDecoder<AgentMessage>(AgentToServer);
const serverDecoder = createDecoder<ServerMessage>(ServerToAgent);

interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T>;
}

function apiClient(httpUrl: string, token: string): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${httpUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return { get: (path) => call('GET', path), send: (method, path, body) => call(method, path, body) };
}

interface MachineItem {
  id: string;
  status: string;
  online: boolean;
  loggedOnUser: string | null;
  lastCheckinAt: string | null;
  agentVersion: string | null;
  settingsApplied: boolean;
}

/** A key the test can sign with, made from the seed so fuzz frames reproduce. */
function fuzzKey(rng: Rng): AgentKey {
  const privateKey = seededEd25519(rng);
  const publicKeyDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyDer, fingerprint: keyFingerprint(publicKeyDer) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` passes or the time is up (check-ins are written in batches). */
async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** The proof inputs of one connection, known once the challenge arrived. */
type ProofContext = HandshakeProof;

/** What one fuzz case did and how the server answered. */
interface CaseResult {
  id: number;
  category: string;
  /** The close code the prediction expects, or the set a raw case may end with. */
  expected: ReadonlySet<number>;
  outcome: CloseOutcome;
  frames: number;
  note: string;
}

describe('agent gateway under fuzzing', { timeout: 120_000 }, () => {
  let dataDir = '';
  let server: RunningServer;
  let api: Api;
  let url = '';
  let agentPort = 0;
  let validToken = '';
  let usedUpToken = '';
  let expiredToken = '';
  let expiredAt = 0;
  const good: Array<{ key: AgentKey; hardwareId: string; machineId: string; connection: AgentConnection }> =
    [];
  const goodCloses: string[] = [];
  const sparring: Array<{ key: AgentKey; hardwareId: string; machineId: string }> = [];
  /** Enrolled keys by fingerprint, so the prediction knows which proofs lead to admission. */
  const enrolled = new Map<string, { hardwareId: string; live: boolean; name: string }>();
  const results: CaseResult[] = [];
  let rawFrames = 0;
  const root = new Rng(SEED);

  const where = (r: { id: number; category: string }) => `seed ${SEED} case #${r.id} (${r.category})`;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'muster-fuzz-'));
    server = await startServer(
      loadServerConfig(
        {
          dataDir,
          httpPort: 0,
          agentPorts: [0],
          agentHost: '127.0.0.1',
          devicePort: 0,
          deviceHost: '127.0.0.1',
          logLevel: 'silent',
          authFailureDelayMs: AUTH_FAILURE_DELAY_MS,
          handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
          // The LAN warning looks at this host's interfaces; irrelevant here and host dependent.
          lanSubnetsFromInterfaces: false,
        },
        {},
      ),
    );
    api = apiClient(server.httpUrl, readFileSync(server.adminTokenFile, 'utf8').trim());
    agentPort = server.agentPorts[0] ?? 0;
    url = `wss://127.0.0.1:${agentPort}/agent`;
    validToken = (await api.send<{ token: string }>('POST', '/install-tokens', { group: GROUP })).token;
    usedUpToken = (await api.send<{ token: string }>('POST', '/install-tokens', { group: GROUP, maxUses: 1 }))
      .token;
    const expiring = await api.send<{ token: string; expiresAt: string }>('POST', '/install-tokens', {
      group: GROUP,
      expiresInSeconds: 1,
    });
    expiredToken = expiring.token;
    expiredAt = Date.parse(expiring.expiresAt);
  });

  after(async () => {
    for (const g of good) g.connection.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const connectGood = (key: AgentKey, hostName: string, hardwareId: string, enrollToken?: string) =>
    connectAgent({
      address: { host: '127.0.0.1', port: agentPort },
      key,
      pinnedServerId: server.serverId,
      ...(enrollToken ? { enrollToken } : {}),
      hostName,
      hardwareId,
      agentVersion: '0.1.0',
      timeoutMs: 5000,
    });

  const checkin = (connection: AgentConnection, loggedOnUser: string) =>
    connection.send({
      t: 'checkin',
      loggedOnUser,
      userIdleSeconds: 3,
      localAddresses: ['127.0.0.1'],
      agentVersion: '0.1.0',
    });

  const machines = async () => (await api.get<{ items: MachineItem[] }>('/machines')).items;

  test('three well-behaved agents enroll and check in', async () => {
    for (let i = 1; i <= 3; i++) {
      const key = generateAgentKey();
      const hardwareId = `hw-good-${i}`;
      // The third uses the single-use token, which the fuzzing then presents used up.
      const connection = await connectGood(
        key,
        `good-${i}.example.com`,
        hardwareId,
        i === 3 ? usedUpToken : validToken,
      );
      assert.equal(connection.welcome.machineId, `good-${i}.${GROUP}`);
      assert.equal(connection.serverId, server.serverId);
      assert.equal(connection.binaryTerminalOutput, true, 'the agent port names binary terminal output');
      connection.on({ close: (code, reason) => goodCloses.push(`good-${i}: ${code} ${reason}`) });
      assert.ok(checkin(connection, `user-${i}`));
      good.push({ key, hardwareId, machineId: connection.welcome.machineId, connection });
      enrolled.set(key.fingerprint, { hardwareId, live: true, name: `good-${i}` });
    }
    // Four more machines whose keys the fuzzing uses to get past the handshake and abuse an
    // established session; they are expected in the final machine list.
    for (let i = 1; i <= 4; i++) {
      const key = fuzzKey(root.fork());
      const hardwareId = `hw-spar-${i}`;
      const connection = await connectGood(key, `spar-${i}.example.com`, hardwareId, validToken);
      sparring.push({ key, hardwareId, machineId: connection.welcome.machineId });
      enrolled.set(key.fingerprint, { hardwareId, live: false, name: `spar-${i}` });
      connection.close();
    }
    await eventually(async () => {
      const items = await machines();
      for (const g of good) {
        const m = items.find((x) => x.id === g.machineId);
        assert.ok(m, g.machineId);
        assert.equal(m.online, true);
        assert.equal(m.loggedOnUser, `user-${good.indexOf(g) + 1}`);
        assert.notEqual(m.lastCheckinAt, null);
      }
    });
  });

  // ---- predictions: what the gateway must answer, from the protocol's rules ----

  /** The close code a frame must get as the first frame of a connection, or 'challenge'. */
  function predictHello(frame: Buffer, binary: boolean): number | 'challenge' {
    if (frame.length > MAX_AGENT_FRAME_BYTES) return 1009;
    if (binary) return CloseCode.protocolError;
    if (!isValidUtf8(frame)) return 1007;
    let message: AgentMessage[keyof AgentMessage];
    try {
      message = agentDecoder.decode(frame);
    } catch (error) {
      assert.ok(error instanceof FrameError);
      return CloseCode.protocolError;
    }
    if (message.t !== 'hello') return CloseCode.protocolError;
    return message.v === PROTOCOL_VERSION ? 'challenge' : CloseCode.unsupportedVersion;
  }

  /** The close code a frame must get right after the challenge. */
  function predictAuth(frame: Buffer, binary: boolean, proof: ProofContext): number {
    if (frame.length > MAX_AGENT_FRAME_BYTES) return 1009;
    if (binary) return CloseCode.protocolError;
    if (!isValidUtf8(frame)) return 1007;
    let message: AgentMessage[keyof AgentMessage];
    try {
      message = agentDecoder.decode(frame);
    } catch {
      return CloseCode.protocolError;
    }
    if (message.t !== 'auth') return CloseCode.protocolError;
    const publicKey = Buffer.from(message.publicKey, 'base64');
    const transcript = proofTranscript('agent', proof.clientNonce, proof.serverNonce, proof.binding);
    if (!verifyProof(publicKey, transcript, Buffer.from(message.signature, 'base64')))
      return CloseCode.authFailed;
    const known = enrolled.get(keyFingerprint(publicKey));
    if (known) {
      // Only the live good agents' keys are used with a valid proof, always from other hardware.
      assert.ok(known.live && known.hardwareId !== message.hardwareId, `case would log in as ${known.name}`);
      return CloseCode.accountConflict;
    }
    if (message.enrollToken === undefined) return CloseCode.unknownAgent;
    assert.notEqual(message.enrollToken, validToken, 'case would enroll a machine');
    return CloseCode.tokenInvalid;
  }

  /** Binary terminal output frames sent in established sessions (the category may end up another). */
  let binaryOutputFramesSent = 0;

  /** The close code a frame must get in an established session, or null when it is accepted. */
  function predictActive(frame: Buffer, binary: boolean): number | null {
    if (frame.length > MAX_AGENT_FRAME_BYTES) return 1009;
    if (binary) {
      // Terminal output is the one binary frame, and only once welcomed (for a session the
      // server does not know, it answers with a terminal-close and reads on).
      try {
        decodeTerminalOutputFrame(frame);
        return null;
      } catch {
        return CloseCode.protocolError;
      }
    }
    if (!isValidUtf8(frame)) return 1007;
    try {
      const message = agentDecoder.decode(frame);
      return message.t === 'hello' || message.t === 'auth' ? CloseCode.protocolError : null;
    } catch {
      return CloseCode.protocolError;
    }
  }

  // ---- frame generators ----

  const validHello = (rng: Rng) => ({
    t: 'hello' as const,
    v: PROTOCOL_VERSION,
    clientNonce: rng.bytes(32).toString('base64'),
  });

  const someText = (rng: Rng, max: number) =>
    rng.pick([
      () => rng.ascii(rng.int(0, max)),
      () => 'é日本🙂'.repeat(rng.int(0, Math.floor(max / 5))),
      () => '',
    ])();

  function validCheckin(rng: Rng): AgentMessage['checkin'] {
    return {
      t: 'checkin',
      loggedOnUser: rng.bool(0.3) ? null : someText(rng, 128),
      userIdleSeconds: rng.int(0, 10 * 365 * 86400),
      localAddresses: Array.from({ length: rng.int(0, 64) }, () => someText(rng, 64)),
      agentVersion: someText(rng, 64),
    };
  }

  function validInventory(rng: Rng): Inventory {
    return {
      hostName: someText(rng, 253),
      os: { platform: rng.ascii(8), release: rng.ascii(10), version: rng.ascii(20), arch: rng.ascii(5) },
      cpu: { model: someText(rng, 60), cores: rng.int(0, 100000) },
      memoryBytes: rng.int(0, 2 ** 40),
      disks: Array.from({ length: rng.int(0, 5) }, () => ({
        mount: rng.ascii(rng.int(1, 20)),
        totalBytes: rng.int(0, 2 ** 44),
        freeBytes: rng.int(0, 2 ** 44),
      })),
      networkInterfaces: Array.from({ length: rng.int(0, 4) }, () => ({
        name: rng.ascii(6),
        mac: rng.ascii(17),
        addresses: Array.from({ length: rng.int(0, 3) }, () => rng.ascii(15)),
      })),
      hardwareId: rng.ascii(20),
    };
  }

  function validActiveMessage(rng: Rng): AgentMessage[keyof AgentMessage] {
    const kind = rng.int(0, 9);
    if (kind < 7) return validCheckin(rng);
    if (kind < 9) return { t: 'settings-applied', revision: rng.int(0, 1) };
    return { t: 'audit', inventory: validInventory(rng) };
  }

  /** A well-formed frame of any type, to be sent where it does not belong. */
  function anyValidFrame(rng: Rng, key: AgentKey): Record<string, unknown> {
    return rng.pick<() => Record<string, unknown>>([
      () => validHello(rng),
      () => ({
        t: 'auth',
        publicKey: key.publicKeyDer.toString('base64'),
        signature: rng.bytes(64).toString('base64'),
        hostName: 'fuzz.example.com',
        hardwareId: 'hw-fuzz',
        agentVersion: '0.1.0',
      }),
      () => validCheckin(rng),
      () => ({ t: 'audit', inventory: validInventory(rng) }),
      () => ({ t: 'settings-applied', revision: rng.int(0, 5) }),
    ])();
  }

  /** A first frame for a fresh connection: random, mutated, oversized or out of order. */
  function hostileFirstFrame(rng: Rng, key: AgentKey): { category: string; frame: Buffer; binary: boolean } {
    const choice = rng.int(0, 99);
    if (choice < 12) return { category: 'random-bytes', frame: rng.bytes(rng.int(0, 2048)), binary: false };
    if (choice < 20) return { category: 'random-binary', frame: rng.bytes(rng.int(0, 2048)), binary: true };
    if (choice < 32) {
      return { category: 'random-json', frame: Buffer.from(JSON.stringify(randomJson(rng))), binary: false };
    }
    if (choice < 55) {
      const base = rng.bool(0.5) ? validHello(rng) : anyValidFrame(rng, key);
      return { category: 'mutated-bytes', frame: mutateBytes(rng, JSON.stringify(base)), binary: false };
    }
    if (choice < 75) {
      const base = rng.bool(0.5) ? validHello(rng) : anyValidFrame(rng, key);
      return { category: 'mutated-structure', frame: Buffer.from(mutateStructure(rng, base)), binary: false };
    }
    if (choice < 85) {
      // Out of order: anything but a hello as the first frame (checkin before auth, auth before hello).
      const base = anyValidFrame(rng, key);
      const frame = base.t === 'hello' ? { ...validCheckin(rng) } : base;
      return { category: 'out-of-order', frame: Buffer.from(JSON.stringify(frame)), binary: false };
    }
    if (choice < 90) {
      const v = rng.pick([0, 2, 3, 999, 1000, 1001, -1, 1.5]);
      return {
        category: 'protocol-version',
        frame: Buffer.from(JSON.stringify({ ...validHello(rng), v })),
        binary: false,
      };
    }
    if (choice < 95) {
      const size = rng.pick([
        MAX_AGENT_FRAME_BYTES + 1,
        MAX_AGENT_FRAME_BYTES + 4096,
        512 * 1024,
        1024 * 1024,
      ]);
      const frame = Buffer.from(JSON.stringify({ ...validHello(rng), pad: 'x'.repeat(size) }));
      return { category: 'oversized', frame, binary: rng.bool(0.2) };
    }
    const depth = rng.pick([1000, 50_000, 120_000]);
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const frame = rng.bool(0.5)
      ? `{"t":"hello","v":1,"clientNonce":${nested}}`
      : `${'{"a":'.repeat(depth / 10)}1${'}'.repeat(depth / 10)}`;
    return { category: 'deep-nesting', frame: Buffer.from(frame), binary: false };
  }

  /**
   * Says hello and checks the server's proof with the agent's own handshake state machine
   * (pinned to this server, so the fuzzing must not erode the server proving itself first), and
   * returns what the auth must be bound to.
   */
  async function challenge(conn: FuzzConnection, rng: Rng): Promise<ProofContext> {
    const handshake = new AgentHandshake(server.serverId, rng.bytes(32));
    conn.send(encodeFrame(handshake.hello()));
    const text = await conn.next(5000);
    assert.ok(text, 'the server answers a valid hello');
    const message = serverDecoder.decode(text);
    assert.equal(message.t, 'challenge');
    const step = handshake.receive(message, conn.binding());
    assert.equal(step.kind, 'authenticate', step.kind === 'refuse' ? step.refusal.detail : step.kind);
    if (step.kind !== 'authenticate') throw new Error('unreachable');
    assert.equal(step.server.serverId, server.serverId);
    return step.proof;
  }

  /** An auth message with a valid proof by `key` on this connection (the agent's own signedAuth). */
  function genuineAuth(
    key: AgentKey,
    proof: ProofContext,
    fields: { enrollToken?: string; hardwareId?: string; hostName?: string } = {},
  ): AgentMessage['auth'] {
    return signedAuth(key, proof, {
      enrollToken: fields.enrollToken,
      hostName: fields.hostName ?? 'intruder.example.com',
      hardwareId: fields.hardwareId ?? 'hw-intruder',
      agentVersion: '0.1.0',
    });
  }

  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  /** A hostile second frame, built once the challenge is known. */
  function hostileAuthFrame(
    rng: Rng,
    proof: ProofContext,
  ): { category: string; frame: Buffer; binary: boolean } {
    const fresh = fuzzKey(rng);
    const goodAgent = rng.pick(good);
    const bogusToken = `mit_${rng.bytes(32).toString('base64url')}`;
    const text = (message: object, category: string) => ({
      category,
      frame: Buffer.from(JSON.stringify(message)),
      binary: false,
    });
    const choice = rng.int(0, 99);
    if (choice < 20) {
      const base = genuineAuth(fresh, proof, rng.bool() ? { enrollToken: bogusToken } : {});
      return { category: 'auth-mutated-bytes', frame: mutateBytes(rng, JSON.stringify(base)), binary: false };
    }
    if (choice < 35) {
      const base = genuineAuth(fresh, proof, rng.bool() ? { enrollToken: bogusToken } : {});
      return {
        category: 'auth-mutated-structure',
        frame: Buffer.from(mutateStructure(rng, base)),
        binary: false,
      };
    }
    if (choice < 55) {
      // Bad signatures, also for enrolled keys: none may log in or replace a good agent.
      const key = rng.bool() ? goodAgent.key : fresh;
      const hardwareId = key === goodAgent.key ? goodAgent.hardwareId : 'hw-intruder';
      const auth = genuineAuth(key, proof, { hardwareId });
      const other = rng.bytes(32);
      const signWith = (k: KeyObject, role: 'agent' | 'server', p: ProofContext) =>
        signProof(k, proofTranscript(role, p.clientNonce, p.serverNonce, p.binding)).toString('base64');
      const variant = rng.int(0, 7);
      const signature = [
        () => {
          const s = Buffer.from(auth.signature, 'base64');
          const at = rng.int(0, s.length - 1);
          s[at] = (s[at] ?? 0) ^ (1 << rng.int(0, 7));
          return s.toString('base64');
        },
        () => signWith(key.privateKey, 'server', proof),
        () => signWith(key.privateKey, 'agent', { ...proof, clientNonce: other }),
        () => signWith(key.privateKey, 'agent', { ...proof, serverNonce: other }),
        // A proof made on another TLS session: what a relaying man in the middle would have.
        () => signWith(key.privateKey, 'agent', { ...proof, binding: other }),
        // A valid proof, but by another key than the one presented.
        () => signWith((key === fresh ? goodAgent.key : fresh).privateKey, 'agent', proof),
        () => '',
        () => rng.bytes(64).toString('base64'),
      ][variant]?.();
      return text({ ...auth, signature }, `bad-signature-${variant}`);
    }
    if (choice < 60) {
      // A genuine ECDSA proof: only Ed25519 keys may be accepted.
      const transcript = proofTranscript('agent', proof.clientNonce, proof.serverNonce, proof.binding);
      return text(
        {
          ...genuineAuth(fresh, proof),
          publicKey: ecKey.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
          signature: sign('sha256', transcript, ecKey.privateKey).toString('base64'),
        },
        'non-ed25519-key',
      );
    }
    if (choice < 67) return text(genuineAuth(fresh, proof, { enrollToken: bogusToken }), 'unknown-token');
    if (choice < 72) return text(genuineAuth(fresh, proof, { enrollToken: expiredToken }), 'expired-token');
    if (choice < 77) return text(genuineAuth(fresh, proof, { enrollToken: usedUpToken }), 'used-up-token');
    if (choice < 84) return text(genuineAuth(fresh, proof), 'unknown-agent');
    if (choice < 88) {
      // A clone: the right key and a valid proof, from other hardware, while the agent is live.
      return text(
        genuineAuth(goodAgent.key, proof, { hardwareId: `hw-clone-${rng.int(0, 99)}` }),
        'cloned-key',
      );
    }
    if (choice < 96) {
      // Out of order during auth: hello twice, check-in before auth, and the like.
      const base = anyValidFrame(rng, fresh);
      return text(base.t === 'auth' ? validHello(rng) : base, 'auth-phase-out-of-order');
    }
    return {
      category: 'auth-phase-binary',
      frame: Buffer.from(JSON.stringify(genuineAuth(fresh, proof))),
      binary: true,
    };
  }

  // ---- case runners ----

  /** A connection whose first frame is hostile (a valid hello is followed by a second hello). */
  function firstFrameCase(id: number, rng: Rng): () => Promise<CaseResult> {
    const { category, frame, binary } = hostileFirstFrame(rng, fuzzKey(rng));
    const extras = Array.from({ length: rng.int(0, 2) }, () => Buffer.from(JSON.stringify(randomJson(rng))));
    const secondHello = encodeFrame(validHello(rng));
    return async () => {
      const conn = await FuzzConnection.open(url);
      const predicted = predictHello(frame, binary);
      conn.send(frame, binary);
      let note = '';
      if (predicted === 'challenge') {
        // The mutation left a valid hello: the server must challenge, then refuse a second hello.
        const reply = await conn.next(5000);
        assert.ok(
          reply && serverDecoder.decode(reply).t === 'challenge',
          `${where({ id, category })}: challenge`,
        );
        conn.send(secondHello);
        note = 'valid hello, then hello twice';
      } else {
        // Frames after the refused one must be ignored, not answered or crash the session.
        for (const extra of extras) conn.send(extra);
      }
      const outcome = await conn.outcome(HANDSHAKE_TIMEOUT_MS + 3000);
      const expected = predicted === 'challenge' ? CloseCode.protocolError : predicted;
      return { id, category, expected: new Set([expected]), outcome, frames: conn.framesSent, note };
    };
  }

  /** A connection that passes the server's challenge and then sends a hostile auth frame. */
  function authCase(id: number, rng: Rng): () => Promise<CaseResult> {
    const caseRng = rng.fork();
    return async () => {
      const conn = await FuzzConnection.open(url);
      const proof = await challenge(conn, caseRng);
      const { category, frame, binary } = hostileAuthFrame(caseRng, proof);
      const expected = predictAuth(frame, binary, proof);
      conn.send(frame, binary);
      const outcome = await conn.outcome(HANDSHAKE_TIMEOUT_MS + 3000);
      return { id, category, expected: new Set([expected]), outcome, frames: conn.framesSent, note: '' };
    };
  }

  /**
   * An established session of a sparring machine: valid random messages, then hostile frames
   * until one must close it (a hello is sent last if none did).
   */
  function activeCase(id: number, rng: Rng, spar: (typeof sparring)[number]): () => Promise<CaseResult> {
    const caseRng = rng.fork();
    return async () => {
      const conn = await FuzzConnection.open(url);
      const proof = await challenge(conn, caseRng);
      conn.send(encodeFrame(genuineAuth(spar.key, proof, { hardwareId: spar.hardwareId })));
      const welcome = await conn.next(5000);
      assert.ok(
        welcome && serverDecoder.decode(welcome).t === 'welcome',
        `${where({ id, category: 'active' })}`,
      );
      conn.welcomed = false; // from here on, a welcome would be an answer to a hostile frame
      for (let i = caseRng.int(5, 20); i > 0; i--) {
        const message = validActiveMessage(caseRng);
        agentDecoder.decode(encodeFrame(message)); // the generator itself must stay valid
        conn.send(encodeFrame(message));
      }
      let expected: number | null = null;
      let category = 'active-accepted';
      for (let i = 0; i < 4 && expected === null; i++) {
        const base = validActiveMessage(caseRng);
        const pick = caseRng.int(0, 9);
        let frame: Buffer;
        let binary = false;
        if (pick < 4) {
          category = 'active-mutated-bytes';
          frame = mutateBytes(caseRng, encodeFrame(base));
        } else if (pick < 7) {
          category = 'active-mutated-structure';
          frame = Buffer.from(mutateStructure(caseRng, base));
        } else if (pick < 8) {
          category = 'active-out-of-order';
          frame = Buffer.from(
            JSON.stringify(caseRng.bool() ? validHello(caseRng) : anyValidFrame(caseRng, spar.key)),
          );
        } else if (pick < 9) {
          category = 'active-oversized';
          frame = Buffer.from(JSON.stringify({ ...base, pad: 'p'.repeat(MAX_AGENT_FRAME_BYTES) }));
          binary = caseRng.bool(0.3);
        } else if (caseRng.bool()) {
          category = 'active-binary';
          frame = Buffer.from(encodeFrame(base));
          binary = true;
        } else {
          // Terminal output for no session of this node, as it is or with bytes flipped.
          category = 'active-binary-output';
          frame = encodeTerminalOutputFrame(`s${caseRng.int(0, 1e6)}`, caseRng.bytes(caseRng.int(1, 4096)));
          for (let flips = caseRng.int(0, 2); flips > 0; flips--)
            frame[caseRng.int(0, Math.min(frame.length - 1, 12))] = caseRng.int(0, 255);
          binary = true;
          binaryOutputFramesSent++;
        }
        expected = predictActive(frame, binary);
        conn.send(frame, binary);
      }
      if (expected === null) {
        category = 'active-hello-again';
        conn.send(encodeFrame(validHello(caseRng)));
        expected = CloseCode.protocolError;
      }
      const outcome = await conn.outcome(5000);
      return {
        id,
        category,
        expected: new Set([expected]),
        outcome,
        frames: conn.framesSent,
        note: spar.machineId,
      };
    };
  }

  /** Connections that never finish the handshake. */
  function silentCase(id: number, rng: Rng): () => Promise<CaseResult> {
    const sendHello = rng.bool();
    return async () => {
      const conn = await FuzzConnection.open(url);
      if (sendHello) await challenge(conn, rng);
      const outcome = await conn.outcome(HANDSHAKE_TIMEOUT_MS + 3000);
      const category = sendHello ? 'silent-after-hello' : 'silent';
      return {
        id,
        category,
        expected: new Set([CloseCode.handshakeTimeout]),
        outcome,
        frames: conn.framesSent,
        note: '',
      };
    };
  }

  test('thousands of hostile frames: each connection closes with the predicted code', async (t) => {
    // The single-use token is used up and the short-lived one must have expired by now.
    await sleep(Math.max(0, expiredAt - Date.now() + 50));
    const firstFrameCases = 850;
    const authCases = 330;
    const activeCasesPerSparring = 45;
    const silentCases = 8;

    const tasks: Array<() => Promise<CaseResult>> = [];
    let id = 0;
    for (let i = 0; i < firstFrameCases; i++) tasks.push(firstFrameCase(id++, root.fork()));
    for (let i = 0; i < authCases; i++) tasks.push(authCase(id++, root.fork()));
    for (let i = 0; i < silentCases; i++) tasks.push(silentCase(id++, root.fork()));
    // Interleave so held auth failures and cheap refusals overlap.
    const shuffled = tasks.map((task) => ({ task, order: root.next() })).sort((a, b) => a.order - b.order);
    // One sequential worker per sparring machine: two sessions of one key would replace each other.
    const sparringRuns = sparring.map((spar) => {
      const cases = Array.from({ length: activeCasesPerSparring }, () => activeCase(id++, root.fork(), spar));
      return runPool(cases, 1);
    });
    const started = performance.now();
    const finished: number[] = [];
    const timed = <T>(run: Promise<T>) => run.finally(() => finished.push(performance.now() - started));
    const [independent, ...sparred] = await Promise.all([
      timed(
        runPool(
          shuffled.map((s) => s.task),
          CONCURRENCY,
        ),
      ),
      ...sparringRuns.map(timed),
    ]);
    results.push(...independent, ...sparred.flat());
    const elapsed = performance.now() - started;

    const frames = results.reduce((sum, r) => sum + r.frames, 0);
    const byCode = new Map<number, number>();
    for (const r of results) byCode.set(r.outcome.code, (byCode.get(r.outcome.code) ?? 0) + 1);
    const byCategory = new Map<string, number>();
    for (const r of results) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + 1);
    t.diagnostic(
      `seed ${SEED}: ${results.length} connections, ${frames} frames in ${(elapsed / 1000).toFixed(1)} s; ` +
        `codes ${JSON.stringify(Object.fromEntries(byCode))}; ` +
        `workers done after ${finished.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s`,
    );
    assert.ok(frames >= 3000, `only ${frames} frames were sent`);

    const mismatches = results.filter((r) => !r.expected.has(r.outcome.code));
    assert.deepEqual(
      mismatches.slice(0, 10).map((r) => ({
        case: where(r),
        expected: [...r.expected],
        got: r.outcome.code,
        reason: r.outcome.reason,
        note: r.note,
      })),
      [],
      `${mismatches.length} of ${results.length} connections did not close as predicted`,
    );
    for (const r of results) {
      assert.ok(ALLOWED_CODES.has(r.outcome.code), `${where(r)}: close code ${r.outcome.code}`);
      assert.equal(r.outcome.welcomed, false, `${where(r)}: a hostile frame was welcomed`);
      if (r.outcome.code >= 4000) {
        // Application closes say why, within the 123 bytes a close frame allows.
        assert.ok(r.outcome.reason.length > 0, `${where(r)}: empty close reason`);
        assert.ok(Buffer.byteLength(r.outcome.reason) <= 123);
      }
    }
    // Every kind of abuse was actually exercised.
    assert.ok(binaryOutputFramesSent > 0, 'binary terminal output frames were sent');
    for (const category of [
      'random-bytes',
      'random-binary',
      'random-json',
      'mutated-bytes',
      'mutated-structure',
      'out-of-order',
      'protocol-version',
      'oversized',
      'deep-nesting',
      'auth-mutated-bytes',
      'auth-mutated-structure',
      'bad-signature-4',
      'non-ed25519-key',
      'unknown-token',
      'expired-token',
      'used-up-token',
      'unknown-agent',
      'cloned-key',
      'auth-phase-out-of-order',
      'silent',
      'silent-after-hello',
    ]) {
      assert.ok((byCategory.get(category) ?? 0) > 0, `no ${category} case ran`);
    }
    assert.ok(
      results.some((r) => r.note === 'valid hello, then hello twice'),
      'some mutation left a valid hello, so a hello twice was tried',
    );
    for (const code of [1007, 1009, 4000, 4002, 4010, 4011, 4012, 4015, 4017]) {
      assert.ok((byCode.get(code) ?? 0) > 0, `no connection closed with ${code}`);
    }
  });

  test('authentication failures are held for authFailureDelayMs; protocol errors are not', (t) => {
    const held = results.filter((r) => HELD_CODES.has(r.outcome.code));
    assert.ok(held.length >= 100, `only ${held.length} held cases`);
    for (const r of held) {
      // Measured from the moment the client sent its auth; 2 ms for timer granularity.
      assert.ok(
        r.outcome.sinceLastSendMs >= AUTH_FAILURE_DELAY_MS - 2,
        `${where(r)}: ${r.outcome.code} after ${r.outcome.sinceLastSendMs.toFixed(0)} ms`,
      );
    }
    const quick = results
      .filter((r) => r.outcome.code === CloseCode.protocolError)
      .map((r) => r.outcome.sinceLastSendMs)
      .sort((a, b) => a - b);
    const median = quick[Math.floor(quick.length / 2)] ?? 0;
    const fastestHeld = Math.min(...held.map((r) => r.outcome.sinceLastSendMs));
    t.diagnostic(
      `${held.length} held closes, the fastest after ${fastestHeld.toFixed(0)} ms; ` +
        `protocol errors closed after a median ${median.toFixed(1)} ms`,
    );
    assert.ok(
      median < AUTH_FAILURE_DELAY_MS,
      `protocol errors closed after a median ${median.toFixed(0)} ms`,
    );
  });

  test('frames over the size limit close with 1009; the limit itself is allowed', async () => {
    const oversized = results.filter((r) => r.category === 'oversized' || r.category === 'active-oversized');
    assert.ok(oversized.length > 10);
    for (const r of oversized) assert.equal(r.outcome.code, 1009, where(r));
    // Exactly MAX_AGENT_FRAME_BYTES passes the WebSocket layer and is judged by the protocol.
    const atLimit = async (extra: number) => {
      const conn = await FuzzConnection.open(url);
      const head = '{"t":"hello","v":1,"clientNonce":"","pad":"';
      conn.send(`${head}${'x'.repeat(MAX_AGENT_FRAME_BYTES - head.length - 2 + extra)}"}`);
      return (await conn.outcome(5000)).code;
    };
    assert.equal(await atLimit(0), CloseCode.protocolError);
    assert.equal(await atLimit(1), 1009);
  });

  test('broken WebSocket framing closes with 1002, 1007 or 1009', async () => {
    const rng = root.fork();
    const text = (payload: string, extra: Partial<Parameters<typeof encodeRawFrame>[0]> = {}) =>
      encodeRawFrame({ opcode: 1, payload: Buffer.from(payload), ...extra });
    const hello = encodeFrame(validHello(rng));
    const closeWith = (code: number) => {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      return encodeRawFrame({ opcode: 8, payload });
    };
    const cases: Array<{ name: string; bytes: Buffer; expected: number[] }> = [
      { name: 'unmasked client frame', bytes: text(hello, { masked: false }), expected: [1002] },
      { name: 'RSV1 without an extension', bytes: text(hello, { rsv: 4 }), expected: [1002] },
      { name: 'RSV2', bytes: text(hello, { rsv: 2 }), expected: [1002] },
      { name: 'RSV3', bytes: text(hello, { rsv: 1 }), expected: [1002] },
      ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((opcode) => ({
        name: `reserved opcode ${opcode}`,
        bytes: encodeRawFrame({ opcode, payload: Buffer.from(hello) }),
        expected: [1002],
      })),
      {
        name: 'continuation without a start',
        bytes: encodeRawFrame({ opcode: 0, payload: Buffer.from(hello) }),
        expected: [1002],
      },
      {
        name: 'fragmented ping',
        bytes: encodeRawFrame({ opcode: 9, fin: false, payload: Buffer.from('p') }),
        expected: [1002],
      },
      {
        name: 'ping over 125 bytes',
        bytes: encodeRawFrame({ opcode: 9, payload: Buffer.alloc(126) }),
        expected: [1002],
      },
      { name: 'length over 2^53', bytes: text('x', { announcedLength: 2n ** 60n }), expected: [1009] },
      {
        name: 'length over the limit',
        bytes: text('x', { announcedLength: BigInt(MAX_AGENT_FRAME_BYTES + 1) }),
        expected: [1009],
      },
      {
        name: 'fragments adding up over the limit',
        bytes: Buffer.concat([
          encodeRawFrame({
            opcode: 1,
            fin: false,
            payload: Buffer.alloc(MAX_AGENT_FRAME_BYTES / 2 + 1, 0x20),
          }),
          encodeRawFrame({ opcode: 0, payload: Buffer.alloc(MAX_AGENT_FRAME_BYTES / 2 + 1, 0x20) }),
        ]),
        expected: [1009],
      },
      {
        name: 'invalid UTF-8 split over fragments',
        bytes: Buffer.concat([
          encodeRawFrame({ opcode: 1, fin: false, payload: Buffer.from([0x7b, 0xe2]) }),
          encodeRawFrame({ opcode: 0, payload: Buffer.from([0x28, 0xa1]) }),
        ]),
        expected: [1007],
      },
      {
        name: 'new message inside a fragmented one',
        bytes: Buffer.concat([
          encodeRawFrame({ opcode: 1, fin: false, payload: Buffer.from('{') }),
          encodeRawFrame({ opcode: 1, payload: Buffer.from('}') }),
        ]),
        expected: [1002],
      },
      ...[0, 999, 1004, 1005, 1006, 1015, 2000, 5000].map((code) => ({
        name: `close with invalid code ${code}`,
        bytes: closeWith(code),
        expected: [1002],
      })),
      {
        name: 'close with a one-byte payload',
        bytes: encodeRawFrame({ opcode: 8, payload: Buffer.from([3]) }),
        expected: [1002],
      },
      {
        // A well-formed fragmented message must reassemble and be judged by the protocol.
        name: 'fragmented hello then a hello twice',
        bytes: Buffer.concat([
          encodeRawFrame({ opcode: 1, fin: false, payload: Buffer.from(hello.slice(0, 10)) }),
          encodeRawFrame({ opcode: 0, payload: Buffer.from(hello.slice(10)) }),
          text(hello),
        ]),
        expected: [CloseCode.protocolError],
      },
    ];
    // Random bytes straight onto the upgraded socket: any framing verdict, or (when they
    // happen to announce a long frame) the handshake timeout.
    const randomCases = Array.from({ length: 60 }, (_, i) => ({
      name: `random bytes #${i}`,
      bytes: rng.bytes(rng.int(1, 512)),
      expected: [1002, 1007, 1009, CloseCode.protocolError, CloseCode.handshakeTimeout],
    }));
    const all = [...cases, ...randomCases];
    const outcomes = await runPool(
      all.map((c) => () => rawTlsExchange(agentPort, c.bytes, { timeoutMs: HANDSHAKE_TIMEOUT_MS + 3000 })),
      CONCURRENCY,
    );
    rawFrames += all.length;
    const wrong: Array<{ name: string; expected: number[]; got: RawOutcome }> = [];
    all.forEach((c, i) => {
      const got = outcomes[i];
      if (got?.kind !== 'close' || !c.expected.includes(got.code)) {
        wrong.push({ name: c.name, expected: c.expected, got: got ?? { kind: 'ended', code: 0 } });
      }
    });
    assert.deepEqual(wrong, [], `seed ${SEED}`);
  });

  test('garbage before the upgrade or before TLS is turned away', async () => {
    const rng = root.fork();
    const plain = await rawTlsExchange(agentPort, Buffer.alloc(0), {
      preUpgrade: Buffer.from('GET /agent HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
      timeoutMs: 5000,
    });
    assert.deepEqual(plain, { kind: 'http', code: 426 }, 'a plain HTTPS request is told to upgrade');
    const badVersion = await rawTlsExchange(agentPort, Buffer.alloc(0), {
      preUpgrade: Buffer.from(
        'GET /agent HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 7\r\n\r\n',
      ),
      timeoutMs: 5000,
    });
    assert.equal(badVersion.kind, 'http');
    assert.equal(badVersion.code, 400);
    const httpGarbage = await runPool(
      Array.from({ length: 40 }, () => {
        const bytes = rng.bytes(rng.int(1, 1024));
        return () => rawTlsExchange(agentPort, Buffer.alloc(0), { preUpgrade: bytes, timeoutMs: 3000 });
      }),
      CONCURRENCY,
    );
    for (const outcome of httpGarbage) {
      // Node's HTTP parser answers 400, hangs up, or waits for the rest of a request that
      // looks incomplete (reported as 'ended' by the timeout); nothing may upgrade.
      assert.ok(
        (outcome.kind === 'http' && outcome.code >= 400 && outcome.code < 500) || outcome.kind === 'ended',
        JSON.stringify(outcome),
      );
    }
    const tlsInputs = Array.from({ length: 40 }, () => rng.bytes(rng.int(1, 2048)));
    const tlsGarbage = await runPool(
      tlsInputs.map((bytes) => () => rawTcpGarbage(agentPort, bytes, 3000)),
      CONCURRENCY,
    );
    tlsInputs.forEach((bytes, i) => {
      // 0x16 starts a TLS handshake record, whose announced length the server may wait for.
      if (bytes[0] !== 0x16)
        assert.equal(tlsGarbage[i], 'hung-up', 'the server hangs up on bytes that are not TLS');
    });
    rawFrames += httpGarbage.length + tlsGarbage.length;
  });

  test('an acknowledgement of a revision never sent does not mark later settings as applied', async () => {
    const spar = sparring[0];
    assert.ok(spar);
    const conn = await FuzzConnection.open(url);
    try {
      const proof = await challenge(conn, root.fork());
      conn.send(encodeFrame(genuineAuth(spar.key, proof, { hardwareId: spar.hardwareId })));
      const welcome = await conn.next(5000);
      assert.ok(welcome && serverDecoder.decode(welcome).t === 'welcome');
      // A schema-valid frame: the revision is a non-negative integer, just not one the server sent.
      conn.send(encodeFrame({ t: 'settings-applied', revision: 1_000_000 }));
      // Nothing answers an acknowledgement; give the server time to store it.
      await sleep(300);
      // Listen first: the procedure may reach the session before the API has answered the PUT
      // (the answer waits for the audit entry), and a frame nobody waits for is not kept.
      const next = conn.next(5000);
      await api.send('PUT', '/checkin-control', {
        machines: [spar.machineId],
        settings: { periodSeconds: 45 },
      });
      const pushed = await next;
      assert.ok(pushed, 'the new settings reach the live session at once');
      const procedure = serverDecoder.decode(pushed);
      assert.equal(procedure.t, 'command');
      assert.equal(procedure.t === 'command' && procedure.type, 'update-checkin-control');
      // The agent does not acknowledge the new revision, so it is not applied.
      const machine = await api.get<MachineItem>(`/machines/${spar.machineId}`);
      assert.equal(machine.settingsApplied, false, 'settings the agent never acknowledged show as applied');
    } finally {
      conn.terminate();
    }
  });

  test('the server still serves: agents connected, a new agent enrolls, no garbage machines', async (t) => {
    assert.deepEqual(goodCloses, [], 'no well-behaved agent was disconnected by the fuzzing');
    for (const [i, g] of good.entries()) {
      assert.equal(g.connection.open, true);
      assert.equal(await g.connection.ping(2000), true, `${g.machineId} answers pings`);
      assert.ok(checkin(g.connection, `after-fuzz-${i + 1}`));
    }
    const info = await api.get<{ connectedAgents: number }>('/server');
    assert.equal(info.connectedAgents, 3, 'only the three good agents hold sessions');

    const newcomerKey = generateAgentKey();
    const newcomer = await connectGood(newcomerKey, 'newcomer.example.com', 'hw-new', validToken);
    try {
      assert.equal(newcomer.welcome.machineId, `newcomer.${GROUP}`);
      assert.equal(newcomer.welcome.auditRequired, true);
      assert.ok(checkin(newcomer, 'new-user'));
      await eventually(async () => {
        const items = await machines();
        const ids = items.map((m) => m.id).sort();
        assert.deepEqual(
          ids,
          [...good.map((g) => g.machineId), ...sparring.map((s) => s.machineId), `newcomer.${GROUP}`].sort(),
          'exactly the enrolled machines: fuzzing created none',
        );
        for (const [i, g] of good.entries()) {
          const m = items.find((x) => x.id === g.machineId);
          assert.equal(m?.online, true, g.machineId);
          assert.equal(m?.loggedOnUser, `after-fuzz-${i + 1}`, `${g.machineId} checked in after the fuzzing`);
        }
        const n = items.find((x) => x.id === `newcomer.${GROUP}`);
        assert.equal(n?.online, true);
        assert.equal(n?.loggedOnUser, 'new-user');
        for (const s of sparring) assert.equal(items.find((x) => x.id === s.machineId)?.online, false);
      });
      assert.equal((await api.get<{ connectedAgents: number }>('/server')).connectedAgents, 4);
    } finally {
      newcomer.close();
    }
    t.diagnostic(`raw exchanges: ${rawFrames}`);
  });
});

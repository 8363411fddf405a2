import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  AgentHandshake,
  type AgentHandshakePhase,
  type AgentHandshakeStep,
  serverMessageVerdict,
  signedAuth,
} from './agent-handshake';
import { PROTOCOL_VERSION, type ServerMessage, ServerToAgent } from './agent-messages';
import { CloseCode } from './close-codes';
import { keyFingerprint, proofTranscript, signProof, verifyProof } from './handshake-proof';
import { HandshakeRefusal } from './handshake-refusal';
import { ServerHandshake } from './server-handshake';

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }) };
}

const serverKey = ed25519();
const serverId = keyFingerprint(serverKey.publicKeyDer);
const agentKey = ed25519();
const PRESENTS = { hostName: 'pc1', hardwareId: 'hw-1', agentVersion: '1.2.3' };

const ALL_TYPES = Object.keys(ServerToAgent) as Array<keyof ServerMessage>;
const LINK_TYPES = ALL_TYPES.filter((t) => t !== 'challenge' && t !== 'welcome');

const WELCOME: ServerMessage['welcome'] = {
  t: 'welcome',
  machineId: 'pc1.web.acme',
  guid: 'g',
  checkinControl: {
    primary: { host: '127.0.0.1', port: 5721 },
    secondary: null,
    periodSeconds: 30,
    bindToServer: false,
    bandwidthKBps: 0,
  },
  settingsRevision: 1,
  auditRequired: false,
};

/** A challenge as a server with `key` signs it for the agent's hello on a TLS session with `binding`. */
function challengeFor(
  hello: { clientNonce: string },
  binding: Buffer,
  key = serverKey,
  serverNonce = randomBytes(32),
): ServerMessage['challenge'] {
  const transcript = proofTranscript(
    'server',
    Buffer.from(hello.clientNonce, 'base64'),
    serverNonce,
    binding,
  );
  return {
    t: 'challenge',
    serverNonce: serverNonce.toString('base64'),
    serverPublicKey: key.publicKeyDer.toString('base64'),
    serverSignature: signProof(key.privateKey, transcript).toString('base64'),
  };
}

/** Any message of a type; only its type matters to the phase rules. */
function messageOf(t: keyof ServerMessage): ServerMessage[keyof ServerMessage] {
  if (t === 'welcome') return WELCOME;
  if (t === 'challenge') return challengeFor({ clientNonce: '' }, randomBytes(32));
  return { t, id: 'c1', commandId: 'c1' } as unknown as ServerMessage[keyof ServerMessage];
}

function refusalOf(step: AgentHandshakeStep): HandshakeRefusal {
  assert.equal(step.kind, 'refuse', `expected a refusal, got ${step.kind}`);
  return (step as { refusal: HandshakeRefusal }).refusal;
}

/** A handshake brought to `phase` the way a connection gets there. */
function inPhase(phase: AgentHandshakePhase): AgentHandshake {
  const handshake = new AgentHandshake(null);
  if (phase === 'hello') return handshake;
  if (phase === 'closed') {
    handshake.close();
    return handshake;
  }
  const hello = handshake.hello();
  if (phase === 'challenge') return handshake;
  const binding = randomBytes(32);
  assert.equal(handshake.receive(challengeFor(hello, binding), binding).kind, 'authenticate');
  if (phase === 'welcome') return handshake;
  assert.equal(handshake.receive(WELCOME, undefined).kind, 'welcomed');
  return handshake;
}

describe('the agent side of the agent link handshake', () => {
  // Written out rather than derived from SERVER_MESSAGE_PHASE, so a wrong entry there fails here.
  const allowed: Record<'hello' | 'challenge' | 'welcome', ReadonlyArray<keyof ServerMessage>> = {
    hello: [],
    challenge: ['challenge'],
    welcome: ['welcome'],
  };

  for (const phase of ['hello', 'challenge', 'welcome'] as const) {
    test(`during ${phase}: ${allowed[phase].join(', ') || 'nothing'} handled, every other type refused`, () => {
      for (const t of ALL_TYPES) {
        const verdict = serverMessageVerdict(phase, t);
        if (allowed[phase].includes(t)) {
          assert.equal(verdict, 'handle', `${t} during ${phase}`);
          continue;
        }
        assert.ok(verdict instanceof HandshakeRefusal, `${t} during ${phase} must be refused`);
        assert.equal(verdict.code, CloseCode.protocolError);
        assert.equal(verdict.reason, `unexpected ${t} during handshake`);
        // And the state machine ends the attempt on it.
        const handshake = inPhase(phase);
        assert.equal(
          refusalOf(handshake.receive(messageOf(t), randomBytes(32))).code,
          CloseCode.protocolError,
        );
        assert.equal(handshake.phase, 'closed');
      }
    });
  }

  test('once welcomed: link messages handled, a late challenge or welcome dropped unread', () => {
    for (const t of LINK_TYPES) assert.equal(serverMessageVerdict('active', t), 'handle', t);
    assert.equal(serverMessageVerdict('active', 'challenge'), 'ignore');
    assert.equal(serverMessageVerdict('active', 'welcome'), 'ignore');
    const handshake = inPhase('active');
    for (const t of LINK_TYPES) assert.equal(handshake.receive(messageOf(t), undefined).kind, 'handle', t);
    assert.equal(handshake.receive(messageOf('welcome'), undefined).kind, 'ignore');
    assert.equal(handshake.phase, 'active');
  });

  test('once closed: everything is ignored', () => {
    for (const t of ALL_TYPES) assert.equal(serverMessageVerdict('closed', t), 'ignore', t);
    const handshake = inPhase('closed');
    for (const t of ALL_TYPES) assert.equal(handshake.receive(messageOf(t), randomBytes(32)).kind, 'ignore');
  });

  test('the hello carries this build’s version and the nonce, and is said once', () => {
    const nonce = randomBytes(32);
    const handshake = new AgentHandshake(null, nonce);
    assert.deepEqual(handshake.hello(), {
      t: 'hello',
      v: PROTOCOL_VERSION,
      clientNonce: nonce.toString('base64'),
    });
    assert.equal(handshake.phase, 'challenge');
    assert.throws(() => handshake.hello(), /hello already said/);
  });

  test('a server proof that verifies is answered with the proof inputs to sign', () => {
    const handshake = new AgentHandshake(null);
    const hello = handshake.hello();
    const binding = randomBytes(32);
    const challenge = challengeFor(hello, binding);
    const step = handshake.receive(challenge, binding);
    assert.equal(step.kind, 'authenticate');
    if (step.kind !== 'authenticate') throw new Error('unreachable');
    assert.equal(step.server.serverId, serverId);
    assert.deepEqual(step.server.publicKeyDer, serverKey.publicKeyDer);
    assert.deepEqual(step.proof, {
      clientNonce: handshake.clientNonce,
      serverNonce: Buffer.from(challenge.serverNonce, 'base64'),
      binding,
    });
    assert.equal(handshake.phase, 'welcome');
    assert.equal(handshake.provenServer?.serverId, serverId);
  });

  test('a server proof that does not verify is an identity mismatch, before the agent proves anything', () => {
    const cases: Record<
      string,
      (hello: { clientNonce: string }, binding: Buffer) => ServerMessage['challenge']
    > = {
      'another TLS session (relayed)': (hello) => challengeFor(hello, randomBytes(32)),
      'another nonce': () =>
        challengeFor({ clientNonce: randomBytes(32).toString('base64') }, randomBytes(32)),
      'a key other than the one presented': (hello, binding) => ({
        ...challengeFor(hello, binding, ed25519()),
        serverPublicKey: serverKey.publicKeyDer.toString('base64'),
      }),
    };
    for (const [name, make] of Object.entries(cases)) {
      const handshake = new AgentHandshake(null);
      const binding = randomBytes(32);
      const refusal = refusalOf(handshake.receive(make(handshake.hello(), binding), binding));
      assert.equal(refusal.code, CloseCode.serverIdentityMismatch, name);
      assert.equal(refusal.reason, "the server's identity proof does not verify");
      assert.equal(handshake.phase, 'closed');
      assert.equal(handshake.provenServer, null, `${name}: an unproven server is never remembered`);
    }
  });

  test('a bound agent refuses a server that proves another identity than the pinned one', () => {
    const impostor = ed25519();
    const handshake = new AgentHandshake(serverId);
    const binding = randomBytes(32);
    const refusal = refusalOf(handshake.receive(challengeFor(handshake.hello(), binding, impostor), binding));
    assert.equal(refusal.code, CloseCode.serverIdentityMismatch);
    assert.equal(refusal.reason, 'server identity is not the pinned Server ID');
    assert.ok(Buffer.byteLength(refusal.reason) <= 123);
    assert.match(
      refusal.detail,
      new RegExp(`Server ID ${keyFingerprint(impostor.publicKeyDer)}, not the pinned ${serverId}`),
    );
    assert.match(refusal.detail, /refusing to check in \(bind to server is on\)/);
    assert.equal(handshake.phase, 'closed');

    const pinned = new AgentHandshake(serverId);
    assert.equal(pinned.receive(challengeFor(pinned.hello(), binding), binding).kind, 'authenticate');
  });

  test('a challenge without a TLS channel binding cannot be checked and ends the attempt', () => {
    const handshake = new AgentHandshake(null);
    const refusal = refusalOf(handshake.receive(challengeFor(handshake.hello(), randomBytes(32)), undefined));
    assert.deepEqual([refusal.code, refusal.reason], [CloseCode.protocolError, 'no TLS channel binding']);
  });

  test('the welcome establishes the connection with the server proven at the challenge', () => {
    const handshake = inPhase('welcome');
    const step = handshake.receive(WELCOME, undefined);
    assert.equal(step.kind, 'welcomed');
    if (step.kind !== 'welcomed') throw new Error('unreachable');
    assert.equal(step.server.serverId, serverId);
    assert.equal(step.welcome, WELCOME);
    assert.equal(handshake.phase, 'active');
  });

  test('signedAuth signs the agent role over the proof inputs and leaves out absent fields', () => {
    const proof = { clientNonce: randomBytes(32), serverNonce: randomBytes(32), binding: randomBytes(32) };
    const auth = signedAuth(agentKey, proof, { ...PRESENTS, enrollToken: undefined, configured: undefined });
    assert.deepEqual(Object.keys(auth).sort(), [
      'agentVersion',
      'hardwareId',
      'hostName',
      'publicKey',
      'signature',
      't',
    ]);
    const transcript = proofTranscript('agent', proof.clientNonce, proof.serverNonce, proof.binding);
    assert.ok(verifyProof(agentKey.publicKeyDer, transcript, Buffer.from(auth.signature, 'base64')));
    const enrolling = signedAuth(agentKey, proof, { ...PRESENTS, enrollToken: 'tok' });
    assert.equal(enrolling.enrollToken, 'tok');
  });

  test('both state machines together: welcomed on one TLS session, refused across two (a relay)', () => {
    const run = (agentBinding: Buffer, serverBinding: Buffer) => {
      const agent = new AgentHandshake(serverId);
      const server = new ServerHandshake();
      const io = { serverIdentity: () => serverKey, channelBinding: () => serverBinding };
      const reply = server.receive(agent.hello(), io);
      if (reply.kind !== 'reply') return `server: ${reply.kind}`;
      const proven = agent.receive(reply.message, agentBinding);
      if (proven.kind !== 'authenticate') return `agent: ${proven.kind} ${refusalOf(proven).code}`;
      const admit = server.receive(signedAuth(agentKey, proven.proof, PRESENTS), io);
      if (admit.kind !== 'admit') return `server: ${admit.kind}`;
      assert.equal(admit.agent.keyFingerprint, keyFingerprint(agentKey.publicKeyDer));
      assert.ok(server.welcomed());
      const welcomed = agent.receive(WELCOME, agentBinding);
      return `${welcomed.kind} ${server.phase}`;
    };
    const binding = randomBytes(32);
    assert.equal(run(binding, binding), 'welcomed active');
    assert.equal(run(randomBytes(32), randomBytes(32)), `agent: refuse ${CloseCode.serverIdentityMismatch}`);
  });
});

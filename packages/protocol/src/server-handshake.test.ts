import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { type AgentMessage, AgentToServer, PROTOCOL_VERSION } from './agent-messages';
import { CloseCode } from './close-codes';
import { keyFingerprint, proofTranscript, signProof, verifyProof } from './handshake-proof';
import { HandshakeRefusal } from './handshake-refusal';
import {
  agentMessageVerdict,
  ServerHandshake,
  type ServerHandshakeKeys,
  type ServerHandshakePhase,
  type ServerHandshakeStep,
} from './server-handshake';

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }) };
}

const serverKey = ed25519();
const agentKey = ed25519();

/** The connection around the handshake: counts what it reads, so tests see what the hot path touches. */
function keys(
  binding = randomBytes(32),
): ServerHandshakeKeys & { binding: Buffer; reads: number; bindingReads: number } {
  return {
    binding,
    reads: 0,
    bindingReads: 0,
    serverIdentity() {
      this.reads++;
      return serverKey;
    },
    channelBinding() {
      this.reads++;
      this.bindingReads++;
      return this.binding;
    },
  };
}

const ALL_TYPES = Object.keys(AgentToServer) as Array<keyof AgentMessage>;
const SESSION_TYPES = ALL_TYPES.filter((t) => t !== 'hello' && t !== 'auth');

/** Any message of a type; only its type matters to the phase rules. */
function messageOf(t: keyof AgentMessage): AgentMessage[keyof AgentMessage] {
  const samples: Partial<Record<keyof AgentMessage, AgentMessage[keyof AgentMessage]>> = {
    hello: { t: 'hello', v: PROTOCOL_VERSION, clientNonce: randomBytes(32).toString('base64') },
    checkin: { t: 'checkin', loggedOnUser: null, userIdleSeconds: 0, localAddresses: [], agentVersion: '1' },
    'settings-applied': { t: 'settings-applied', revision: 1 },
  };
  return samples[t] ?? ({ t } as AgentMessage[keyof AgentMessage]);
}

function refusalOf(step: ServerHandshakeStep): HandshakeRefusal {
  assert.equal(step.kind, 'refuse', `expected a refusal, got ${step.kind}`);
  return (step as { refusal: HandshakeRefusal }).refusal;
}

/** Says hello and returns the challenge's nonces, so a test can sign the agent's proof. */
function sayHello(handshake: ServerHandshake, k: ReturnType<typeof keys>) {
  const clientNonce = randomBytes(32);
  const step = handshake.receive(
    { t: 'hello', v: PROTOCOL_VERSION, clientNonce: clientNonce.toString('base64') },
    k,
  );
  assert.equal(step.kind, 'reply');
  if (step.kind !== 'reply') throw new Error('unreachable');
  return {
    clientNonce,
    serverNonce: Buffer.from(step.message.serverNonce, 'base64'),
    challenge: step.message,
  };
}

function authMessage(
  signer: ReturnType<typeof ed25519>,
  presented: ReturnType<typeof ed25519>,
  transcript: Buffer,
): AgentMessage['auth'] {
  return {
    t: 'auth',
    publicKey: presented.publicKeyDer.toString('base64'),
    signature: signProof(signer.privateKey, transcript).toString('base64'),
    hostName: 'pc1',
    hardwareId: 'hw-1',
    agentVersion: '1',
  };
}

/** A handshake brought to `phase` the way a connection gets there. */
function inPhase(phase: ServerHandshakePhase): { handshake: ServerHandshake; k: ReturnType<typeof keys> } {
  const handshake = new ServerHandshake();
  const k = keys();
  if (phase === 'hello') return { handshake, k };
  if (phase === 'closed') {
    handshake.close();
    return { handshake, k };
  }
  const { clientNonce, serverNonce } = sayHello(handshake, k);
  if (phase === 'auth') return { handshake, k };
  const transcript = proofTranscript('agent', clientNonce, serverNonce, k.binding);
  assert.equal(handshake.receive(authMessage(agentKey, agentKey, transcript), k).kind, 'admit');
  if (phase === 'admitting') return { handshake, k };
  assert.equal(handshake.welcomed(), true);
  return { handshake, k };
}

describe('the server side of the agent link handshake', () => {
  // Written out rather than derived from AGENT_MESSAGE_PHASE, so a wrong entry there fails here.
  const allowed: Record<ServerHandshakePhase, ReadonlyArray<keyof AgentMessage>> = {
    hello: ['hello'],
    auth: ['auth'],
    admitting: [],
    active: SESSION_TYPES,
    closed: [],
  };

  for (const phase of ['hello', 'auth', 'active'] as const) {
    test(`during ${phase}: ${allowed[phase].join(', ')} handled, every other type refused as out of order`, () => {
      for (const t of ALL_TYPES) {
        const verdict = agentMessageVerdict(phase, t);
        if (allowed[phase].includes(t)) {
          assert.equal(verdict, 'handle', `${t} during ${phase}`);
          continue;
        }
        assert.ok(verdict instanceof HandshakeRefusal, `${t} during ${phase} must be refused`);
        assert.equal(verdict.code, CloseCode.protocolError);
        assert.equal(verdict.reason, `${t} not allowed during ${phase}`);
        assert.equal(verdict.hold, false, 'a protocol error is not held');
      }
    });
  }

  for (const phase of ['admitting', 'closed'] as const) {
    test(`during ${phase}: nothing is read, every type ignored`, () => {
      for (const t of ALL_TYPES)
        assert.equal(agentMessageVerdict(phase, t), 'ignore', `${t} during ${phase}`);
      const { handshake, k } = inPhase(phase);
      assert.equal(handshake.reading, false);
      for (const t of ALL_TYPES) assert.equal(handshake.receive(messageOf(t), k).kind, 'ignore');
      assert.equal(handshake.phase, phase, 'ignored messages move nothing');
    });
  }

  test('a hello is answered with the server proof over both nonces and the channel binding', () => {
    const handshake = new ServerHandshake();
    const k = keys();
    assert.equal(handshake.phase, 'hello');
    const { clientNonce, serverNonce, challenge } = sayHello(handshake, k);
    assert.equal(handshake.phase, 'auth');
    assert.equal(serverNonce.length, 32);
    assert.equal(challenge.serverPublicKey, serverKey.publicKeyDer.toString('base64'));
    const transcript = proofTranscript('server', clientNonce, serverNonce, k.binding);
    assert.ok(
      verifyProof(serverKey.publicKeyDer, transcript, Buffer.from(challenge.serverSignature, 'base64')),
    );
    // Another TLS session (a relaying man in the middle) would not verify.
    const relayed = proofTranscript('server', clientNonce, serverNonce, randomBytes(32));
    assert.ok(
      !verifyProof(serverKey.publicKeyDer, relayed, Buffer.from(challenge.serverSignature, 'base64')),
    );
  });

  test('each hello gets a fresh server nonce', () => {
    const a = sayHello(new ServerHandshake(), keys());
    const b = sayHello(new ServerHandshake(), keys());
    assert.notDeepEqual(a.serverNonce, b.serverNonce);
  });

  test('a hello of another protocol version is refused at once, naming both versions', () => {
    for (const v of [0, PROTOCOL_VERSION + 1, 1000]) {
      const handshake = new ServerHandshake();
      const refusal = refusalOf(handshake.receive({ t: 'hello', v, clientNonce: '' }, keys()));
      assert.equal(refusal.code, CloseCode.unsupportedVersion);
      assert.equal(
        refusal.reason,
        `protocol version ${v} is not supported (server speaks ${PROTOCOL_VERSION})`,
      );
      assert.equal(refusal.hold, false);
      assert.equal(handshake.phase, 'closed');
    }
  });

  test('a valid proof of possession leads to admission, with the key and its fingerprint', () => {
    const handshake = new ServerHandshake();
    const k = keys();
    const nonces = sayHello(handshake, k);
    const transcript = proofTranscript('agent', nonces.clientNonce, nonces.serverNonce, k.binding);
    const step = handshake.receive({ ...authMessage(agentKey, agentKey, transcript), enrollToken: 'tok' }, k);
    assert.equal(step.kind, 'admit');
    if (step.kind !== 'admit') throw new Error('unreachable');
    assert.deepEqual(step.agent.publicKeyDer, agentKey.publicKeyDer);
    assert.equal(step.agent.keyFingerprint, keyFingerprint(agentKey.publicKeyDer));
    assert.equal(step.agent.auth.enrollToken, 'tok');
    // Each read of the TLS exporter derives a secret: the hello's read serves the auth too.
    assert.equal(k.bindingReads, 1);
    assert.equal(handshake.phase, 'admitting');
    assert.equal(handshake.reading, false, 'nothing is read while admission runs');
  });

  test('a proof that does not verify is refused with authFailed, held', () => {
    const other = ed25519();
    const variants: Record<
      string,
      (n: { clientNonce: Buffer; serverNonce: Buffer; binding: Buffer }) => AgentMessage['auth']
    > = {
      'signed by another key': (n) =>
        authMessage(other, agentKey, proofTranscript('agent', n.clientNonce, n.serverNonce, n.binding)),
      'signed as the server role': (n) =>
        authMessage(agentKey, agentKey, proofTranscript('server', n.clientNonce, n.serverNonce, n.binding)),
      'bound to another TLS session': (n) =>
        authMessage(
          agentKey,
          agentKey,
          proofTranscript('agent', n.clientNonce, n.serverNonce, randomBytes(32)),
        ),
      'over another server nonce': (n) =>
        authMessage(agentKey, agentKey, proofTranscript('agent', n.clientNonce, randomBytes(32), n.binding)),
    };
    for (const [name, make] of Object.entries(variants)) {
      const handshake = new ServerHandshake();
      const k = keys();
      const { clientNonce, serverNonce } = sayHello(handshake, k);
      const refusal = refusalOf(handshake.receive(make({ clientNonce, serverNonce, binding: k.binding }), k));
      assert.equal(refusal.code, CloseCode.authFailed, name);
      assert.equal(refusal.reason, 'agent signature does not verify');
      assert.equal(refusal.hold, true, `${name}: an authentication failure is held`);
      assert.equal(handshake.phase, 'closed', name);
    }
  });

  test('out of order: a session message before the hello, a second hello, an auth before the hello', () => {
    const first = new ServerHandshake();
    const checkin = refusalOf(first.receive(messageOf('checkin'), keys()));
    assert.deepEqual(
      [checkin.code, checkin.reason],
      [CloseCode.protocolError, 'checkin not allowed during hello'],
    );
    assert.equal(first.phase, 'closed');

    const early = new ServerHandshake();
    const auth = refusalOf(early.receive(messageOf('auth'), keys()));
    assert.equal(auth.reason, 'auth not allowed during hello');

    const { handshake, k } = inPhase('auth');
    const twice = refusalOf(handshake.receive(messageOf('hello'), k));
    assert.deepEqual([twice.code, twice.reason], [CloseCode.protocolError, 'hello not allowed during auth']);
    assert.equal(handshake.phase, 'closed');
  });

  test('once welcomed: session messages are handled without touching TLS or the identity; handshake messages refused', () => {
    const { handshake, k } = inPhase('active');
    assert.equal(handshake.phase, 'active');
    assert.equal(handshake.reading, true);
    const reads = k.reads;
    for (const t of SESSION_TYPES) assert.equal(handshake.receive(messageOf(t), k).kind, 'handle', t);
    assert.equal(k.reads, reads, 'the check-in path reads neither the channel binding nor the identity');
    const again = refusalOf(handshake.receive(messageOf('auth'), k));
    assert.deepEqual([again.code, again.reason], [CloseCode.protocolError, 'auth not allowed during active']);
    assert.equal(handshake.phase, 'closed');
  });

  test('welcomed() moves only an admitted connection on', () => {
    for (const phase of ['hello', 'auth', 'active', 'closed'] as const) {
      const { handshake } = inPhase(phase);
      assert.equal(handshake.welcomed(), false, phase);
      assert.equal(handshake.phase, phase);
    }
    const { handshake } = inPhase('admitting');
    assert.equal(handshake.welcomed(), true);
    assert.equal(handshake.phase, 'active');
  });

  test('the handshake timeout refuses any connection not welcomed yet, and nothing after', () => {
    for (const phase of ['hello', 'auth', 'admitting'] as const) {
      const { handshake } = inPhase(phase);
      const refusal = handshake.expired();
      assert.ok(refusal, phase);
      assert.deepEqual(
        [refusal.code, refusal.reason, refusal.hold],
        [CloseCode.handshakeTimeout, 'handshake timed out', false],
      );
      assert.equal(handshake.phase, 'closed');
    }
    for (const phase of ['active', 'closed'] as const) {
      const { handshake } = inPhase(phase);
      assert.equal(handshake.expired(), null, phase);
      assert.equal(handshake.phase, phase);
    }
  });
});

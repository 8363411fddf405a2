import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { ed25519PublicKey, keyFingerprint, proofTranscript, signProof, verifyProof } from './handshake-proof';

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }) };
}

const clientNonce = randomBytes(32);
const serverNonce = randomBytes(32);
const binding = randomBytes(32);

describe('handshake proof', () => {
  test('a signature over the transcript verifies with the signer’s public key', () => {
    const key = ed25519();
    for (const role of ['server', 'agent'] as const) {
      const transcript = proofTranscript(role, clientNonce, serverNonce, binding);
      const signature = signProof(key.privateKey, transcript);
      assert.equal(signature.length, 64, 'an Ed25519 signature is 64 bytes');
      assert.equal(verifyProof(key.publicKeyDer, transcript, signature), true);
    }
  });

  test('a signature made as one role does not verify as the other', () => {
    const key = ed25519();
    const asServer = signProof(key.privateKey, proofTranscript('server', clientNonce, serverNonce, binding));
    assert.equal(
      verifyProof(key.publicKeyDer, proofTranscript('agent', clientNonce, serverNonce, binding), asServer),
      false,
    );
  });

  test('a different nonce or channel binding fails', () => {
    const key = ed25519();
    const signature = signProof(key.privateKey, proofTranscript('agent', clientNonce, serverNonce, binding));
    const other = randomBytes(32);
    const variants = [
      proofTranscript('agent', other, serverNonce, binding),
      proofTranscript('agent', clientNonce, other, binding),
      proofTranscript('agent', clientNonce, serverNonce, other),
      // Swapping the nonces must not verify either: their order is part of what is signed.
      proofTranscript('agent', serverNonce, clientNonce, binding),
    ];
    for (const transcript of variants)
      assert.equal(verifyProof(key.publicKeyDer, transcript, signature), false);
  });

  test('length prefixes keep shifted boundaries between parts from colliding', () => {
    const a = proofTranscript('agent', Buffer.from('ab'), Buffer.from('c'), Buffer.from('d'));
    const b = proofTranscript('agent', Buffer.from('a'), Buffer.from('bc'), Buffer.from('d'));
    assert.notDeepEqual(a, b);
    const label = 'muster-handshake-v1/agent\0';
    assert.equal(a.subarray(0, label.length).toString('utf8'), label);
    // label, then for each of the three parts a 4-byte big-endian length and the bytes.
    assert.equal(a.length, label.length + 3 * 4 + 4);
    assert.equal(a.readUInt32BE(label.length), 2);
  });

  test('another key, a tampered signature or a truncated one fails', () => {
    const key = ed25519();
    const transcript = proofTranscript('agent', clientNonce, serverNonce, binding);
    const signature = signProof(key.privateKey, transcript);
    assert.equal(verifyProof(ed25519().publicKeyDer, transcript, signature), false);
    const flipped = Buffer.from(signature);
    flipped[10] = (flipped[10] ?? 0) ^ 0x01;
    assert.equal(verifyProof(key.publicKeyDer, transcript, flipped), false);
    assert.equal(verifyProof(key.publicKeyDer, transcript, signature.subarray(0, 63)), false);
    assert.equal(verifyProof(key.publicKeyDer, transcript, Buffer.alloc(0)), false);
  });

  test('keys that are not Ed25519, or not keys at all, never verify and never throw', () => {
    const transcript = proofTranscript('agent', clientNonce, serverNonce, binding);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecDer = ec.publicKey.export({ format: 'der', type: 'spki' });
    // A genuine ECDSA signature by that key: verify() would accept it if the key type were not checked.
    const ecSignature = sign('sha256', transcript, ec.privateKey);
    assert.equal(verifyProof(ecDer, transcript, ecSignature), false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaDer = rsa.publicKey.export({ format: 'der', type: 'spki' });
    assert.equal(verifyProof(rsaDer, transcript, sign('sha256', transcript, rsa.privateKey)), false);
    for (const junk of [Buffer.alloc(0), randomBytes(44), Buffer.from('not a key')]) {
      assert.equal(verifyProof(junk, transcript, randomBytes(64)), false);
    }
  });

  test('the fingerprint is the hex SHA-256 of the SPKI DER and is stable', () => {
    const key = ed25519();
    const fingerprint = keyFingerprint(key.publicKeyDer);
    assert.match(fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(fingerprint, createHash('sha256').update(key.publicKeyDer).digest('hex'));
    assert.equal(keyFingerprint(Buffer.from(key.publicKeyDer)), fingerprint);
    assert.notEqual(keyFingerprint(ed25519().publicKeyDer), fingerprint);
    // A fixed vector, so a change of hash or encoding would show up here.
    assert.equal(
      keyFingerprint(Buffer.from('muster')),
      '74cd18c016d902f940554dfd07545f219064b27fe6e890e9447f0c9e377903a8',
    );
  });

  test('an Ed25519 key read from its raw bytes is the key its DER names; any other DER is refused', () => {
    const key = ed25519();
    const read = ed25519PublicKey(key.publicKeyDer);
    assert.ok(read);
    assert.equal(read.asymmetricKeyType, 'ed25519');
    assert.deepEqual(read.export({ format: 'der', type: 'spki' }), key.publicKeyDer);
    // An X25519 key has the same length and differs only in the algorithm's OID.
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' });
    assert.equal(x25519.length, key.publicKeyDer.length);
    assert.equal(ed25519PublicKey(x25519), null);
    assert.equal(ed25519PublicKey(Buffer.concat([key.publicKeyDer, Buffer.from([0])])), null);
    assert.equal(ed25519PublicKey(key.publicKeyDer.subarray(0, 43)), null);
  });
});

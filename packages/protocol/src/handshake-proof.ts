import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The roles that sign a handshake transcript: a server and an agent on the agent link, and the
 * two ends of a relay between server nodes (both hold the server identity, so their labels
 * differ too). Each signs a different label so a signature made by one side can never be
 * replayed as another side's proof.
 */
export type ProofRole = 'server' | 'agent' | 'relay-server' | 'relay-client';

/** The TLS exporter label of RFC 9266 (tls-exporter channel binding for TLS 1.3). */
export const CHANNEL_BINDING_LABEL = 'EXPORTER-Channel-Binding';

/**
 * Builds the bytes a side signs: role label, both nonces and the TLS channel binding.
 * Binding the TLS session means a proof relayed through a man in the middle (who holds a
 * different TLS session on each side) does not verify.
 */
export function proofTranscript(
  role: ProofRole,
  clientNonce: Buffer,
  serverNonce: Buffer,
  channelBinding: Buffer,
): Buffer {
  const label = Buffer.from(`muster-handshake-v1/${role}\0`, 'utf8');
  const parts = [clientNonce, serverNonce, channelBinding].map((part) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.length);
    return Buffer.concat([length, part]);
  });
  return Buffer.concat([label, ...parts]);
}

/** Signs a transcript with an Ed25519 private key. */
export function signProof(privateKey: KeyObject, transcript: Buffer): Buffer {
  return sign(null, transcript, privateKey);
}

/**
 * The DER that starts every Ed25519 public key in SubjectPublicKeyInfo form (RFC 8410: the
 * algorithm identifier has no parameters), followed by the 32 bytes of the key itself.
 */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * An Ed25519 public key from its SPKI DER, or null if the DER is anything else. The key is
 * taken from its raw 32 bytes (as a JWK) rather than parsed as DER: OpenSSL 3's DER decoder
 * took about 0.35 ms a key here, 33 times the JWK path, and every agent handshake verifies
 * one (profiled in bench:scale's reconnect storm). Only the one valid encoding is accepted.
 */
export function ed25519PublicKey(publicKeyDer: Buffer): KeyObject | null {
  if (publicKeyDer.length !== ED25519_SPKI_PREFIX.length + 32) return null;
  if (!publicKeyDer.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) return null;
  const x = publicKeyDer.subarray(ED25519_SPKI_PREFIX.length).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** Verifies an Ed25519 signature made over a transcript by the holder of `publicKeyDer`. */
export function verifyProof(publicKeyDer: Buffer, transcript: Buffer, signature: Buffer): boolean {
  try {
    const key = ed25519PublicKey(publicKeyDer);
    if (!key) return false;
    return verify(null, transcript, key, signature);
  } catch {
    return false;
  }
}

/**
 * The fingerprint of a public key (SHA-256 of its SPKI DER, hex). For the server key this is
 * the Server ID that bound agents pin.
 */
export function keyFingerprint(publicKeyDer: Buffer): string {
  return createHash('sha256').update(publicKeyDer).digest('hex');
}

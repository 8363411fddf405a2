import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  webcrypto,
} from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';

/**
 * @peculiar/x509 (and what it pulls in: reflect-metadata, tsyringe, ASN.1 schemas) costs about
 * 20 MiB of resident memory once loaded. Only making a certificate needs it, not a transfer:
 * it is loaded then, so a process that is handed its identity never carries it.
 */
async function loadX509(): Promise<typeof import('@peculiar/x509')> {
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

/** TLS 1.3 only: nothing older is offered or accepted. */
export const TLS_VERSION = 'TLSv1.3';

/** The only cipher suites either end offers: both are 256-bit. */
export const TLS_CIPHERSUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

/**
 * A replication end's identity: its private key and a self-signed certificate made from it.
 * The certificate only carries the key through TLS; trust comes from the pinned fingerprint.
 */
export interface ReplicationIdentity {
  /** PKCS#8 PEM private key. */
  key: string;
  /** Self-signed certificate PEM for that key. */
  cert: string;
  /** SHA-256 hex of the public key's SPKI DER: what the other end pins. */
  fingerprint: string;
}

/** SHA-256 hex of a public key's SPKI DER encoding (the pin). */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex');
}

/** The pin of the key the peer proved possession of in the handshake, or undefined if it sent none. */
export function peerFingerprint(socket: TLSSocket): string | undefined {
  const cert = socket.getPeerX509Certificate();
  return cert ? publicKeyFingerprint(cert.publicKey) : undefined;
}

/** Whether a peer certificate object is empty (the peer sent no certificate). */
export function isEmptyPeerCertificate(cert: PeerCertificate | null | undefined): boolean {
  return !cert || Object.keys(cert).length === 0;
}

function algorithmFor(privateKey: KeyObject): { name: string; namedCurve?: string; hash?: string } {
  if (privateKey.asymmetricKeyType === 'ed25519') return { name: 'Ed25519' };
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType === 'ec' && curve === 'prime256v1')
    return { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  throw new Error('replication keys must be Ed25519 or ECDSA P-256');
}

/**
 * Builds an identity from an existing Ed25519 or ECDSA P-256 private key (an agent can reuse
 * its own key, so the pin is its key fingerprint), or from a fresh ECDSA P-256 key.
 */
export async function createReplicationIdentity(
  privateKey?: KeyObject | string,
): Promise<ReplicationIdentity> {
  const key =
    privateKey === undefined
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
      : typeof privateKey === 'string'
        ? createPrivateKey(privateKey)
        : privateKey;
  const algorithm = algorithmFor(key);
  const publicKey = createPublicKey(key);
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']),
  };
  const now = Date.now();
  const fingerprint = publicKeyFingerprint(publicKey);
  const x509 = await loadX509();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${fingerprint.slice(0, 30)}`,
    name: `CN=muster-replication-${fingerprint.slice(0, 16)}`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 20 * 365 * 86400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  return {
    key: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    cert: cert.toString('pem'),
    fingerprint,
  };
}

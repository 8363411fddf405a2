import { connect, type TLSSocket } from 'node:tls';
import { ReplicationError } from './replication-error';
import { peerFingerprint, TLS_CIPHERSUITES, TLS_VERSION } from './tls-identity';

/** Where the offsite is and which key it must prove it holds. */
export interface OffsiteAddress {
  host: string;
  port: number;
  /** SHA-256 hex of the offsite's SPKI: any other key is refused. */
  keyFingerprint: string;
}

/**
 * Opens a TLS 1.3 connection to the offsite and checks its key against the pin before any
 * byte of data is sent. The certificate chain is not trusted for anything; the handshake's
 * CertificateVerify proves the peer holds the pinned key.
 */
export function connectOffsite(
  address: OffsiteAddress,
  identity: { key: string; cert: string },
  timeoutMs = 30_000,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: address.host,
      port: address.port,
      key: identity.key,
      cert: identity.cert,
      minVersion: TLS_VERSION,
      maxVersion: TLS_VERSION,
      ciphers: TLS_CIPHERSUITES,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ReplicationError(
          'connect-failed',
          `no TLS session with ${address.host}:${address.port} in ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const fingerprint = peerFingerprint(socket);
      if (fingerprint !== address.keyFingerprint) {
        socket.destroy();
        reject(
          new ReplicationError(
            'unpinned-peer',
            `offsite ${address.host}:${address.port} presented key ${fingerprint ?? '(none)'}, not the pinned ${address.keyFingerprint}`,
          ),
        );
        return;
      }
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code =
        error.code?.startsWith('ERR_SSL') || error.code?.startsWith('ERR_TLS')
          ? 'tls-failed'
          : 'connect-failed';
      reject(
        new ReplicationError(code, `cannot reach offsite ${address.host}:${address.port}: ${error.message}`),
      );
    });
  });
}

import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * How the device decides it is talking to its server. With nothing set, Node's CA store and
 * the URL's host name are checked, as for any HTTPS site. `ca` trusts a private CA (or the
 * server's self-signed certificate itself); `pinSha256` instead accepts exactly one
 * certificate, whatever signed it. Both may be set; then both must hold.
 */
export interface ServerTrust {
  /** Extra trusted CA certificates, PEM. */
  ca?: string;
  /** SHA-256 of the server certificate (DER), hex with or without colons, or base64. */
  pinSha256?: string;
  /**
   * The name the certificate must carry when it differs from the URL's host, e.g. the
   * self-signed `muster-server` reached at 127.0.0.1. Ignored with a pin alone.
   */
  serverName?: string;
}

/** Turns a pin in any accepted spelling into its 32 bytes; throws on anything else. */
export function parsePin(pin: string): Buffer {
  const trimmed = pin.trim();
  const hex = trimmed.replace(/^sha256[:/]/i, '').replace(/:/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  const base64 = Buffer.from(trimmed.replace(/^sha256[:/]/i, ''), 'base64');
  if (base64.length === 32) return base64;
  throw new Error('certificate pin must be a SHA-256 digest: 64 hex digits (colons allowed) or base64');
}

/** The SHA-256 fingerprint of a PEM certificate, colon-separated hex as `openssl x509 -fingerprint` prints it. */
export function certificateFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** The connector http.request calls in place of tls.connect; see `trustedConnector`. */
export type TrustedConnector = (
  options: unknown,
  oncreate: (err: Error | null, socket: Duplex) => void,
) => undefined;

/**
 * Opens the TLS connection itself and hands it to the HTTP request only once the certificate
 * passed every check. Doing the pin check here, rather than on the request's socket, means
 * not one byte of a signed request reaches a server with the wrong certificate.
 */
export function trustedConnector(url: URL, trust: ServerTrust): TrustedConnector {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 443);
  const pin = trust.pinSha256 === undefined ? undefined : parsePin(trust.pinSha256);
  const expectedName = trust.serverName ?? host;
  // A pin alone replaces CA and name checks; with a CA as well, both apply.
  const verifyChain = pin === undefined || trust.ca !== undefined;
  return (_options, oncreate) => {
    const socket = tls.connect({
      host,
      port,
      ...(isIP(expectedName) === 0 ? { servername: expectedName } : {}),
      ...(trust.ca === undefined ? {} : { ca: trust.ca }),
      rejectUnauthorized: verifyChain,
      checkServerIdentity: (_hostname, cert) => tls.checkServerIdentity(expectedName, cert),
      ALPNProtocols: ['http/1.1'],
    });
    const fail = (error: Error) => {
      socket.destroy();
      oncreate(error, socket);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.removeListener('error', fail);
      if (pin !== undefined) {
        const raw = socket.getPeerCertificate().raw;
        const actual = raw ? createHash('sha256').update(raw).digest() : Buffer.alloc(32);
        if (!timingSafeEqual(actual, pin)) {
          fail(
            new Error(`server certificate does not match the pinned SHA-256 (got ${actual.toString('hex')})`),
          );
          return;
        }
      }
      oncreate(null, socket);
    });
    return undefined;
  };
}

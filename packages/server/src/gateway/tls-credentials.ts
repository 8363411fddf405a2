import { webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/** A TLS certificate chain and its private key, PEM encoded. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/**
 * Makes a self-signed ECDSA P-256 certificate. Agents do not trust it for identity (the
 * server identity key does that), so it only needs to carry TLS; it is valid for 10 years.
 */
export async function selfSignedCertificate(commonName: string): Promise<TlsCredentials> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 10 * 365 * 86400_000),
    signingAlgorithm: algorithm,
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').trim()}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}

/**
 * Loads the admin's certificate files when given; otherwise the self-signed pair kept in the
 * data directory, made on first start.
 */
export async function loadTlsCredentials(options: {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  dataDir: string;
}): Promise<TlsCredentials> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile)
      throw new Error('give both --tls-cert and --tls-key, or neither');
    return { cert: readFileSync(options.certFile, 'utf8'), key: readFileSync(options.keyFile, 'utf8') };
  }
  const certFile = join(options.dataDir, 'tls-cert.pem');
  const keyFile = join(options.dataDir, 'tls-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }
  const made = await selfSignedCertificate('muster-server');
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, made.key, { mode: 0o600 });
  writeFileSync(certFile, made.cert, { mode: 0o644 });
  return made;
}

import { webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/** A TLS certificate chain and its private key, PEM encoded. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** The common name of the self-signed certificate (also one of its names, for `--server-name`). */
export const SELF_SIGNED_NAME = 'muster-server';

const DNS_NAME = /^(\*\.)?(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

/** Whether a certificate name is an IP address or a (possibly wildcard) DNS name. */
function nameProblem(name: string): string | null {
  if (isIP(name) !== 0) return null;
  if (name.length <= 253 && DNS_NAME.test(name)) return null;
  return `tlsNames: "${name}" is neither an IP address nor a host name`;
}

/**
 * The names the self-signed certificate carries: the loopback names, this machine's host name
 * and whatever the administrator adds (`tlsNames`). With these, a client that trusts the
 * certificate as its CA (`muster device simulate --ca tls-cert.pem`) passes the host-name check
 * when it connects by any of them. Throws on a name that is neither an address nor a host name.
 */
export function certificateNames(extra: readonly string[] = []): string[] {
  for (const name of extra) {
    const problem = nameProblem(name);
    if (problem) throw new Error(problem);
  }
  const machine = hostname();
  const defaults = [SELF_SIGNED_NAME, 'localhost', '127.0.0.1', '::1'];
  if (nameProblem(machine) === null) defaults.push(machine);
  const seen = new Set<string>();
  return [...defaults, ...extra].filter((name) => {
    const key = isIP(name) === 0 ? name.toLowerCase().replace(/\.$/, '') : name;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Makes a self-signed ECDSA P-256 certificate carrying `names` as subject alternative names.
 * Agents do not trust it for identity (the server identity key does that), so it only needs
 * to carry TLS; devices may trust it as their CA. It is valid for 10 years.
 */
export async function selfSignedCertificate(
  commonName: string,
  names: readonly string[] = [commonName],
): Promise<TlsCredentials> {
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
    extensions: [
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) === 0 ? 'dns' : 'ip', value })),
      ),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').trim()}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}

/** The configured names a PEM certificate does not carry (compared as Node's name check does). */
export function namesMissing(certPem: string, names: readonly string[]): string[] {
  const cert = new X509Certificate(certPem);
  return names.filter((name) =>
    isIP(name) === 0 ? !cert.checkHost(name.replace(/\.$/, '')) : !cert.checkIP(name),
  );
}

/**
 * Loads the admin's certificate files when given; otherwise the self-signed pair kept in the
 * data directory, made on first start with the names of `certificateNames(names)`. An existing
 * self-signed certificate is kept even when it lacks a name (devices may have pinned it);
 * `warn` says which names it lacks and how to make a new one.
 */
export async function loadTlsCredentials(options: {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  dataDir: string;
  names?: readonly string[];
  warn?: (message: string) => void;
}): Promise<TlsCredentials> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile)
      throw new Error('give both --tls-cert and --tls-key, or neither');
    return { cert: readFileSync(options.certFile, 'utf8'), key: readFileSync(options.keyFile, 'utf8') };
  }
  const names = certificateNames(options.names);
  const certFile = join(options.dataDir, 'tls-cert.pem');
  const keyFile = join(options.dataDir, 'tls-key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const kept = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    const missing = namesMissing(kept.cert, names);
    if (missing.length > 0) {
      options.warn?.(
        `the self-signed certificate ${certFile} does not carry ${missing.join(', ')}: clients that trust it ` +
          'as their CA fail the host-name check for those names. To make a new one, stop the server, delete ' +
          'tls-cert.pem and tls-key.pem from the data directory and start it again (re-pin devices that pinned the old one).',
      );
    }
    return kept;
  }
  const made = await selfSignedCertificate(SELF_SIGNED_NAME, names);
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, made.key, { mode: 0o600 });
  writeFileSync(certFile, made.cert, { mode: 0o644 });
  return made;
}

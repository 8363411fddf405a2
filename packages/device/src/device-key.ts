import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file';

/**
 * The device's Ed25519 key pair. It is made on the phone at first start and never leaves it:
 * the server only ever sees the public half (at enrollment), so a stolen server database
 * cannot be used to impersonate devices.
 */
export interface DeviceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as the enrollment request carries it: SPKI DER, base64. */
  publicKeyBase64: string;
}

/** Builds a DeviceKey from its private half; refuses anything that is not Ed25519. */
export function deviceKeyFrom(privateKey: KeyObject): DeviceKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `device key must be Ed25519, got ${privateKey.asymmetricKeyType ?? 'a non-asymmetric key'}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey, publicKeyBase64: der.toString('base64') };
}

/** A fresh Ed25519 key, held in memory only until saved. */
export function generateDeviceKey(): DeviceKey {
  return deviceKeyFrom(generateKeyPairSync('ed25519').privateKey);
}

/** The private key as PKCS#8 PEM, the form the key file holds. */
export function deviceKeyToPem(key: DeviceKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** Writes the key file atomically with mode 0600: only the app's own user may read it. */
export function saveDeviceKey(file: string, key: DeviceKey): void {
  writeFileAtomic(file, deviceKeyToPem(key), 0o600);
}

/** Reads a key file written by saveDeviceKey. */
export function loadDeviceKey(file: string): DeviceKey {
  return deviceKeyFrom(createPrivateKey(readFileSync(file, 'utf8')));
}

/** Loads the key file, creating it at first start. */
export function loadOrCreateDeviceKey(file: string): DeviceKey {
  if (existsSync(file)) return loadDeviceKey(file);
  const key = generateDeviceKey();
  saveDeviceKey(file, key);
  return key;
}

/** Signs bytes with the device key; base64, as `x-muster-signature` carries it. */
export function signWithDeviceKey(key: DeviceKey, bytes: Buffer): string {
  // Ed25519 hashes internally, so no digest algorithm is named.
  return sign(null, bytes, key.privateKey).toString('base64');
}

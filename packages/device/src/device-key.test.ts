import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  deviceKeyFrom,
  generateDeviceKey,
  loadDeviceKey,
  loadOrCreateDeviceKey,
  saveDeviceKey,
  signWithDeviceKey,
} from './device-key';

const dir = mkdtempSync(join(tmpdir(), 'muster-device-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('device key', () => {
  test('a generated key is Ed25519 and its base64 public key is SPKI DER of the same key', () => {
    const key = generateDeviceKey();
    assert.equal(key.privateKey.asymmetricKeyType, 'ed25519');
    const der = Buffer.from(key.publicKeyBase64, 'base64');
    // Ed25519 SPKI DER is a 12-byte header and the 32-byte key.
    assert.equal(der.length, 44);
    const parsed = createPublicKey({ key: der, format: 'der', type: 'spki' });
    assert.ok(parsed.equals(key.publicKey));
  });

  test('save writes PKCS#8 PEM with mode 0600 and load gives the same key back', () => {
    const file = join(dir, 'saved.pem');
    const key = generateDeviceKey();
    saveDeviceKey(file, key);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    const loaded = loadDeviceKey(file);
    assert.equal(loaded.publicKeyBase64, key.publicKeyBase64);
    assert.ok(loaded.privateKey.equals(key.privateKey));
  });

  test('loadOrCreate creates the file once and then keeps returning that key', () => {
    const file = join(dir, 'device-key.pem');
    const first = loadOrCreateDeviceKey(file);
    const second = loadOrCreateDeviceKey(file);
    assert.equal(second.publicKeyBase64, first.publicKeyBase64);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('a signature verifies against the public key and not against another key', () => {
    const key = generateDeviceKey();
    const bytes = Buffer.from('muster-device-v1\nPOST\n/device/v1/checkin');
    const signature = Buffer.from(signWithDeviceKey(key, bytes), 'base64');
    assert.equal(signature.length, 64);
    assert.equal(verify(null, bytes, key.publicKey, signature), true);
    assert.equal(verify(null, Buffer.concat([bytes, Buffer.from('x')]), key.publicKey, signature), false);
    assert.equal(verify(null, bytes, generateDeviceKey().publicKey, signature), false);
  });

  test('a key of another type is refused', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(() => deviceKeyFrom(privateKey), /must be Ed25519, got ec/);
  });
});

import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import { DEVICE_HEADERS, deviceRequestSigningBytes } from '@muster/protocol';
import { generateDeviceKey } from './device-key';
import { endpointUrl, newNonce, signedHeaders } from './signed-request';

const key = generateDeviceKey();
const signer = { deviceId: 'dev-42', key, now: () => 1_750_000_000_123 };
/** The public key as the server has it: rebuilt from the base64 SPKI DER sent at enrollment. */
const serverSideKey = createPublicKey({
  key: Buffer.from(key.publicKeyBase64, 'base64'),
  format: 'der',
  type: 'spki',
});

describe('signed requests', () => {
  test('headers carry device, decimal ms timestamp, nonce and a signature the server can verify', () => {
    const body = JSON.stringify({ info: { batteryPercent: 80 }, locations: [] });
    const headers = signedHeaders(signer, 'post', '/device/v1/checkin', body);
    assert.equal(headers[DEVICE_HEADERS.device], 'dev-42');
    assert.equal(headers[DEVICE_HEADERS.timestamp], '1750000000123');
    const nonce = headers[DEVICE_HEADERS.nonce] as string;
    assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(Buffer.from(nonce, 'base64url').length, 16);
    const signature = Buffer.from(headers[DEVICE_HEADERS.signature] as string, 'base64');
    const bytes = deviceRequestSigningBytes(
      'POST',
      '/device/v1/checkin',
      'dev-42',
      '1750000000123',
      nonce,
      body,
    );
    assert.equal(verify(null, bytes, serverSideKey, signature), true);
  });

  test('the signature covers method, path, device, timestamp, nonce and body', () => {
    const body = '{"results":[{"id":"c1","status":"complete"}]}';
    const headers = signedHeaders(signer, 'POST', '/device/v1/results', body, 'AAAAAAAAAAAAAAAAAAAAAA');
    const signature = Buffer.from(headers[DEVICE_HEADERS.signature] as string, 'base64');
    const good = [
      'POST',
      '/device/v1/results',
      'dev-42',
      '1750000000123',
      'AAAAAAAAAAAAAAAAAAAAAA',
      body,
    ] as const;
    assert.equal(verify(null, deviceRequestSigningBytes(...good), serverSideKey, signature), true);
    for (let field = 0; field < good.length; field++) {
      const changed = [...good] as [string, string, string, string, string, string];
      changed[field] = `${changed[field]}x`;
      assert.equal(
        verify(null, deviceRequestSigningBytes(...changed), serverSideKey, signature),
        false,
        `changing field ${field} must break the signature`,
      );
    }
  });

  test('the same body signed as a Buffer and as a string verifies alike', () => {
    const body = '{"a":"ü"}';
    const headers = signedHeaders(signer, 'POST', '/p', Buffer.from(body, 'utf8'));
    const nonce = headers[DEVICE_HEADERS.nonce] as string;
    const bytes = deviceRequestSigningBytes('POST', '/p', 'dev-42', '1750000000123', nonce, body);
    assert.equal(
      verify(null, bytes, serverSideKey, Buffer.from(headers[DEVICE_HEADERS.signature] as string, 'base64')),
      true,
    );
  });

  test('nonces do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(newNonce());
    assert.equal(seen.size, 10_000);
  });

  test('API paths go below the base URL, which must be HTTPS', () => {
    assert.equal(
      endpointUrl({ baseUrl: 'https://127.0.0.1:5723' }, '/device/v1/checkin').href,
      'https://127.0.0.1:5723/device/v1/checkin',
    );
    assert.equal(
      endpointUrl({ baseUrl: 'https://h.example/muster/' }, '/device/v1/enroll').pathname,
      '/muster/device/v1/enroll',
    );
    assert.throws(
      () => endpointUrl({ baseUrl: 'http://127.0.0.1:5723' }, '/device/v1/checkin'),
      /HTTPS only/,
    );
  });
});

import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { selfSignedCertificate } from '../../server/src/gateway/tls-credentials';
import { certificateFingerprint, parsePin } from './tls-trust';

describe('certificate pins', () => {
  test('hex with or without colons, any case, sha256 prefix, or base64 give the same 32 bytes', () => {
    const digest = createHash('sha256').update('cert').digest();
    const hex = digest.toString('hex');
    const colons = hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    for (const spelling of [hex, hex.toUpperCase(), colons, `sha256:${hex}`, digest.toString('base64')]) {
      assert.ok(parsePin(spelling).equals(digest), spelling);
    }
  });

  test('anything that is not a SHA-256 digest is refused', () => {
    for (const bad of ['', 'abc', 'ab'.repeat(31), 'zz'.repeat(32), Buffer.alloc(20).toString('base64')]) {
      assert.throws(() => parsePin(bad), /must be a SHA-256 digest/, bad);
    }
  });

  test('the fingerprint of a PEM certificate is the SHA-256 of its DER and parses as a pin', async () => {
    const { cert } = await selfSignedCertificate('pin-test');
    const fingerprint = certificateFingerprint(cert);
    const der = new X509Certificate(cert).raw;
    assert.ok(parsePin(fingerprint).equals(createHash('sha256').update(der).digest()));
  });
});

import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { commandSigningBytes } from './command-messages';
import { keyFingerprint, signProof, verifyProof } from './handshake-proof';

// Known answers, fixed here and computed outside this code base (openssl pkeyutl -sign -rawin
// with the key below), so a change to the signed bytes fails even if server and agent change
// together: agents already installed verify with the code they shipped with.

/** RFC 8032 section 7.1 test 1 secret key (Ed25519 seed), wrapped in PKCS#8 DER. */
const SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const PRIVATE_KEY = createPrivateKey({
  key: Buffer.from(`302e020100300506032b657004220420${SEED}`, 'hex'),
  format: 'der',
  type: 'pkcs8',
});
/** The public key of RFC 8032 test 1 as SPKI DER. */
const PUBLIC_KEY_DER = Buffer.from(
  '302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  'hex',
);

/** Key order scrambled at every depth, inside an array too, with non-ASCII and escaped text. */
const COMMAND = {
  id: 'cmd-0001',
  machineId: 'pc1.web.acme',
  type: 'shell',
  params: { script: 'echo "hi"\n', list: [{ b: 2, a: 1 }], env: { Z: 'ü', A: '1' } },
  issuedAt: 1_700_000_000_000,
};

/** The exact UTF-8 text the signature covers. */
const EXPECTED_TEXT =
  '["muster-command-v1","cmd-0001","pc1.web.acme","shell",' +
  '{"env":{"A":"1","Z":"ü"},"list":[{"a":1,"b":2}],"script":"echo \\"hi\\"\\n"},1700000000000]';
/** The same bytes in hex, so an encoding change (say, escaping "ü") shows too. */
const EXPECTED_HEX =
  '5b226d75737465722d636f6d6d616e642d7631222c22636d642d30303031222c227063312e7765622e61636d65222c' +
  '227368656c6c222c7b22656e76223a7b2241223a2231222c225a223a22c3bc227d2c226c697374223a5b7b2261223a' +
  '312c2262223a327d5d2c22736372697074223a226563686f205c2268695c225c6e227d2c313730303030303030303030305d';
/** Ed25519 signature of those bytes with the key above (deterministic, base64). */
const EXPECTED_SIGNATURE =
  'Ke8AqzXGc34ky4JB9FsYOOYti/KijB/feZbAKlr2WruwuxXHS9L6z74pyZoruEynCdI1EgbrnYnMHQvOcDBZAA==';

describe('command signing known answers', () => {
  test('the key is the RFC 8032 one, and its fingerprint (Server ID) is fixed', () => {
    const derived = createPublicKey(PRIVATE_KEY).export({ format: 'der', type: 'spki' });
    assert.equal(derived.toString('hex'), PUBLIC_KEY_DER.toString('hex'));
    assert.equal(
      keyFingerprint(PUBLIC_KEY_DER),
      '06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9',
    );
  });

  test('the signed bytes of a command are fixed, with params canonicalised at every depth', () => {
    const bytes = commandSigningBytes(COMMAND);
    assert.equal(bytes.toString('utf8'), EXPECTED_TEXT);
    assert.equal(bytes.toString('hex'), EXPECTED_HEX);
  });

  test('the signature of those bytes is fixed and verifies with the public key', () => {
    const signature = signProof(PRIVATE_KEY, commandSigningBytes(COMMAND));
    assert.equal(signature.toString('base64'), EXPECTED_SIGNATURE);
    assert.equal(
      verifyProof(
        PUBLIC_KEY_DER,
        Buffer.from(EXPECTED_HEX, 'hex'),
        Buffer.from(EXPECTED_SIGNATURE, 'base64'),
      ),
      true,
    );
  });

  test('the signature does not cover a changed field', () => {
    const signature = Buffer.from(EXPECTED_SIGNATURE, 'base64');
    const changed = [
      { ...COMMAND, id: 'cmd-0002' },
      { ...COMMAND, machineId: 'pc2.web.acme' },
      { ...COMMAND, type: 'audit' },
      { ...COMMAND, params: { ...COMMAND.params, script: 'echo "hi"' } },
      { ...COMMAND, issuedAt: COMMAND.issuedAt + 1 },
    ];
    assert.equal(changed.length, 5);
    for (const command of changed) {
      assert.equal(verifyProof(PUBLIC_KEY_DER, commandSigningBytes(command), signature), false, command.id);
    }
  });
});

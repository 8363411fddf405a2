import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('the engine loads the certificate library only to make a certificate, not to transfer', async () => {
  // @peculiar/x509 installs reflect-metadata's Reflect.getMetadata when it loads (about 20 MiB
  // of resident memory in all); a sender or offsite handed its identity never needs it.
  const index = fileURLToPath(new URL('./index.ts', import.meta.url));
  const script = `
    const engine = await import(${JSON.stringify(index)});
    const before = typeof Reflect.getMetadata;
    const identity = await engine.createReplicationIdentity();
    console.log(before, typeof Reflect.getMetadata, identity.cert.startsWith('-----BEGIN CERTIFICATE-----'));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  assert.equal(stdout.trim(), 'undefined function true');
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import tls from 'node:tls';
import { certificateNames, loadTlsCredentials, namesMissing } from './tls-credentials';

/** Connects to a TLS server that uses `cert`, trusting that certificate as the only CA. */
async function trustsAsCa(cert: string, key: string, host: string, servername?: string): Promise<boolean> {
  const server = tls.createServer({ cert, key });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<boolean>((resolve) => {
      const socket = tls.connect({ host, port, ca: cert, ...(servername ? { servername } : {}) }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  } finally {
    server.close();
  }
}

describe('self-signed TLS certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('carries the loopback names, the host name and the configured names, so it can serve as a CA', async () => {
    const { cert, key } = await loadTlsCredentials({
      dataDir: dir,
      names: ['muster.example.com', '192.0.2.10'],
    });
    assert.deepEqual(
      namesMissing(cert, ['localhost', '127.0.0.1', '::1', 'muster.example.com', '192.0.2.10']),
      [],
    );
    assert.equal(await trustsAsCa(cert, key, '127.0.0.1'), true, 'reached at 127.0.0.1');
    assert.equal(await trustsAsCa(cert, key, '127.0.0.1', 'localhost'), true, 'reached as localhost');
    assert.equal(
      await trustsAsCa(cert, key, '127.0.0.1', 'muster.example.com'),
      true,
      'reached by a configured name',
    );
    assert.equal(await trustsAsCa(cert, key, '127.0.0.1', 'other.example.com'), false, 'not any name');
  });

  it("lists the machine's host name and 'muster-server' by default, without duplicates", () => {
    const names = certificateNames(['LOCALHOST', '127.0.0.1']);
    assert.ok(names.includes('muster-server'));
    assert.ok(names.includes('localhost'));
    assert.equal(names.filter((n) => n.toLowerCase() === 'localhost').length, 1);
    assert.equal(names.filter((n) => n === '127.0.0.1').length, 1);
    if (/^[A-Za-z0-9.-]+$/.test(hostname())) assert.ok(names.includes(hostname()));
  });

  it('refuses a name that is neither an address nor a host name', () => {
    assert.throws(() => certificateNames(['not a name']), /tlsNames: "not a name" is neither/);
  });

  it('keeps an existing certificate and says which configured names it lacks', async () => {
    const first = await loadTlsCredentials({ dataDir: dir });
    const warnings: string[] = [];
    const again = await loadTlsCredentials({
      dataDir: dir,
      names: ['late.example.com'],
      warn: (m) => warnings.push(m),
    });
    assert.equal(again.cert, first.cert, 'devices that pinned it keep working');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /does not carry late\.example\.com/);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import { loadTlsCredentials } from '../../server/src/gateway/tls-credentials';
import { trustedConnector } from './tls-trust';

// `muster device simulate --ca <the server's tls-cert.pem>`: the device trusts the server's own
// self-signed certificate as its CA and checks the URL's host against it.
describe("trusting the server's self-signed certificate as a CA", () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-ca-'));
  let server: tls.Server;
  let cert = '';
  let port = 0;
  before(async () => {
    const credentials = await loadTlsCredentials({ dataDir: dir });
    cert = credentials.cert;
    server = tls.createServer({ ...credentials, ALPNProtocols: ['http/1.1'] }, (s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connectTo = (url: string, serverName?: string) =>
    new Promise<Error | null>((resolve) => {
      trustedConnector(new URL(url), { ca: cert, ...(serverName ? { serverName } : {}) })(
        {},
        (error: Error | null, socket: Duplex) => {
          socket.destroy();
          resolve(error);
        },
      );
    });

  it('passes the host-name check at 127.0.0.1 and as localhost', async () => {
    assert.equal(await connectTo(`https://127.0.0.1:${port}`), null);
    assert.equal(await connectTo(`https://localhost:${port}`), null);
  });

  it('still fails for a name the certificate does not carry', async () => {
    const error = await connectTo(`https://127.0.0.1:${port}`, 'elsewhere.example.com');
    assert.match(String(error), /elsewhere\.example\.com/);
  });
});

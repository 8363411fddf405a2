// The counting TCP proxy, run as its own process (`node --import tsx proxy-child.ts`) with an
// IPC channel: every tool's connection goes through it, so bytes on the wire (TLS and ssh
// overhead included) are counted the same way for all, in both directions.
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import {
  PROXY_CONFIG_ENV,
  type ProxyConfig,
  type ProxyCounters,
  type ProxyMessage,
  type ProxyRequest,
} from './proxy-protocol';

const config = JSON.parse(process.env[PROXY_CONFIG_ENV] ?? '{}') as ProxyConfig;
const counters: Record<string, ProxyCounters> = {};
const cuts = new Map<string, number>();

function send(message: ProxyMessage): void {
  process.send?.(message);
}

function relay(service: string, client: Socket, targetPort: number): void {
  const count = counters[service]!;
  count.open += 1;
  count.connections += 1;
  const cutAfter = cuts.get(service);
  cuts.delete(service);
  let carried = 0;
  let dropping = false;
  const upstream = tcpConnect(targetPort, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.on('data', (chunk: Buffer) => {
    if (dropping) {
      count.dropped += chunk.length;
      return;
    }
    count.clientToServer += chunk.length;
    carried += chunk.length;
    if (!upstream.write(chunk)) {
      client.pause();
      upstream.once('drain', () => client.resume());
    }
    if (cutAfter !== undefined && carried >= cutAfter) {
      // From here the sender's bytes go nowhere, as if its link had died: the parent kills it.
      dropping = true;
      client.resume();
      send({ type: 'cut', service, bytes: carried });
    }
  });
  upstream.on('data', (chunk: Buffer) => {
    count.serverToClient += chunk.length;
    if (!client.write(chunk)) {
      upstream.pause();
      client.once('drain', () => upstream.resume());
    }
  });
  // Half-close in each direction; an error on one side ends the other gracefully, so bytes
  // already forwarded are never lost because of the proxy.
  client.on('end', () => upstream.end());
  upstream.on('end', () => client.end());
  client.on('error', () => upstream.end());
  upstream.on('error', () => client.destroy());
  let closed = 0;
  const onClose = (): void => {
    closed += 1;
    if (closed === 2) {
      count.open -= 1;
      return;
    }
    // One side is gone: give the other 10 s to finish its half, then drop it.
    setTimeout(() => {
      client.destroy();
      upstream.destroy();
    }, 10_000).unref();
  };
  client.on('close', onClose);
  upstream.on('close', onClose);
}

const ports: Record<string, number> = {};
for (const [service, targetPort] of Object.entries(config.targets)) {
  counters[service] = { clientToServer: 0, serverToClient: 0, dropped: 0, open: 0, connections: 0 };
  const server = createServer((client) => relay(service, client, targetPort));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  ports[service] = typeof address === 'object' && address ? address.port : 0;
}

process.on('message', (request: ProxyRequest) => {
  if (request.cmd === 'cut') cuts.set(request.service, request.afterBytes);
  send({ type: 'reply', id: request.id, counters });
});
process.on('disconnect', () => process.exit(0));
send({ type: 'listening', ports });

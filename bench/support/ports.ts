import { createServer } from 'node:net';

/** A TCP port free on a loopback address (closed again before it is returned). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `count` loopback source addresses 127.<second>.x.y starting at .1 (never .0 or .255). */
export function loopbackSources(second: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const third = 1 + Math.floor(i / 254);
    const fourth = 1 + (i % 254);
    out.push(`127.${second}.${third}.${fourth}`);
  }
  return out;
}

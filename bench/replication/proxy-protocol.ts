/** Bytes one proxied service has carried since the proxy started. */
export interface ProxyCounters {
  /** Bytes forwarded from clients to the service (upload: the sender's direction). */
  clientToServer: number;
  /** Bytes forwarded from the service back to clients. */
  serverToClient: number;
  /** Client bytes read after a cut and thrown away (they never reached the service). */
  dropped: number;
  /** Connections open now. */
  open: number;
  connections: number;
}

/** Parent to proxy: read the counters, or cut the next connection of a service after N bytes. */
export type ProxyCommand = { cmd: 'counters' } | { cmd: 'cut'; service: string; afterBytes: number };

/** A command with the id its reply carries. */
export type ProxyRequest = ProxyCommand & { id: number };

/** Proxy to parent. */
export type ProxyMessage =
  | { type: 'listening'; ports: Record<string, number> }
  | { type: 'reply'; id: number; counters: Record<string, ProxyCounters> }
  | { type: 'cut'; service: string; bytes: number };

/** What the proxy child is told at start: service name to the loopback port it forwards to. */
export interface ProxyConfig {
  targets: Record<string, number>;
}

/** Environment variable carrying the ProxyConfig as JSON. */
export const PROXY_CONFIG_ENV = 'MUSTER_BENCH_PROXY';

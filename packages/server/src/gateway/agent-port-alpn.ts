import type { TlsOptions } from 'node:tls';

/**
 * How the agent port answers ALPN: with a callback instead of a protocol list. Node's HTTPS
 * server otherwise lists `http/1.1`, and every TLS socket it accepts copies that list into its
 * own options from Node's shared Buffer pool and keeps it for the connection's life: a few bytes
 * that kept a share of an 8 KiB pool slab alive per connection, the slab's other slices being
 * long gone (2.4-2.9 KiB of buffers an agent, measured with 14,286 agents a node; a heap
 * snapshot found these copies the only Buffers a session held). Agents offer no ALPN; a client
 * that offers `http/1.1` still gets it, one that offers only other protocols is refused.
 */
export const AGENT_PORT_ALPN: Pick<TlsOptions, 'ALPNCallback'> = {
  ALPNCallback: ({ protocols }) => (protocols.includes('http/1.1') ? 'http/1.1' : undefined),
};

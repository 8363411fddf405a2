import { createSecureContext, type SecureContext } from 'node:tls';

let shared: SecureContext | undefined;

/**
 * The one TLS client context of this process's agent connections: TLS 1.3 only, no certificate
 * store in use (the server proves its identity with its key in the agent handshake, not with a
 * certificate).
 *
 * Why one: a connection given no context gets a new OpenSSL context of its own, and OpenSSL 3
 * builds one slowly (cipher lists, algorithm lookups by name, many small allocations): measured
 * here at 300-430 µs of CPU per connection, a quarter of what a whole TLS handshake costs both
 * ends together. An agent pays it at every reconnection; a simulator holding thousands of agents
 * in one process paid it thousands of times per restart storm, in a heap where those
 * allocations were slower still (glibc's malloc at 13 % of its CPU under bench:scale).
 */
export function agentTlsContext(): SecureContext {
  shared ??= createSecureContext({ minVersion: 'TLSv1.3' });
  return shared;
}

import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless the administrator allows it (webhookAllowLocal):
 * the server's own host (loopback, and the unspecified address, which connects there too) and
 * link-local networks, where cloud metadata services (169.254.169.254) hand out credentials.
 * An organization's webhook URL is set through the API, so without this anyone allowed to
 * set one could make the server send requests to services that trust only local callers.
 */
const LOCAL = new BlockList();
LOCAL.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('0.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LOCAL.addAddress('::1', 'ipv6');
LOCAL.addAddress('::', 'ipv6');
LOCAL.addSubnet('fe80::', 10, 'ipv6');

/** How to say that webhooks to local addresses are off, and how to turn them on. */
const ALLOW_HINT =
  'webhooks may not reach loopback or link-local addresses unless the administrator sets webhookAllowLocal (MUSTER_WEBHOOK_ALLOW_LOCAL=true)';

/**
 * Why an IP address is refused as a webhook target, or null when it may be reached. BlockList
 * also matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 ranges.
 */
export function localAddressProblem(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return null;
  if (!LOCAL.check(address, family === 4 ? 'ipv4' : 'ipv6')) return null;
  return `${address} is a loopback or link-local address; ${ALLOW_HINT}`;
}

/**
 * Why a webhook URL's host is refused when it is set, or null. Literal addresses and
 * "localhost" names are judged here; any other name is judged by what it resolves to, each
 * time a delivery connects (webhookLookup), since DNS can change after the URL was accepted.
 */
export function localHostProblem(url: URL): string | null {
  // A trailing dot names the same host ("localhost." is localhost).
  const host = url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return `${host} is the server's own host; ${ALLOW_HINT}`;
  }
  return localAddressProblem(host);
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that resolves like the default one and then refuses a name that
 * resolves to a local address, so the check applies to the address actually connected to.
 */
export function webhookLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const a of addresses) {
      const problem = localAddressProblem(a.address);
      if (problem) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to ${problem}`), { code: 'EWEBHOOKLOCAL' }),
          [],
        );
      }
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

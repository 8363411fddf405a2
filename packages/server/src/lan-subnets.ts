import { networkInterfaces } from 'node:os';
import { type SubnetSet, subnetSet } from './domain/subnets';

/**
 * The subnets that count as the server's LAN: the configured ones, plus (unless switched off)
 * those of the server's own non-loopback interfaces, read again each time so an address change
 * is noticed.
 */
export function serverLanSubnets(configured: readonly string[], fromInterfaces: boolean): () => SubnetSet {
  const fixed = [...configured];
  subnetSet(fixed); // validate once at start so a typo fails the start, not a check-in
  return () => {
    const cidrs = [...fixed];
    if (fromInterfaces) {
      for (const addresses of Object.values(networkInterfaces())) {
        for (const a of addresses ?? []) {
          if (!a.internal && a.cidr && !a.address.startsWith('fe80:')) cidrs.push(a.cidr);
        }
      }
    }
    return subnetSet(cidrs);
  };
}

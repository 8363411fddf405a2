import { BlockList, isIP } from 'node:net';
import { invalidInput } from './errors';

/** A set of IPv4/IPv6 subnets that addresses can be tested against. */
export interface SubnetSet {
  readonly cidrs: readonly string[];
  contains(address: string): boolean;
}

/** Strips an IPv4-mapped IPv6 prefix so "::ffff:10.0.0.1" matches 10.0.0.0/8. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? (mapped[1] ?? address) : address.replace(/%.*$/, '');
}

/** Builds a subnet set from CIDR strings such as "192.168.1.0/24" or "fd00::/64". */
export function subnetSet(cidrs: readonly string[]): SubnetSet {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, bits] = cidr.split('/');
    const family = isIP(network ?? '');
    const prefix = Number(bits);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw invalidInput(`"${cidr}" is not a subnet in CIDR form, such as 192.168.1.0/24`);
    }
    list.addSubnet(network as string, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    cidrs,
    contains(address) {
      const a = normalizeAddress(address);
      const family = isIP(a);
      if (family === 0) return false;
      return list.check(a, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** The subnet (CIDR) of an interface address with its netmask prefix length. */
export function interfaceCidr(address: string, prefixLength: number): string {
  return `${address}/${prefixLength}`;
}

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

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether an address is a loopback address (127.0.0.0/8, ::1, or either IPv4-mapped). */
export function isLoopback(address: string): boolean {
  const a = normalizeAddress(address);
  const family = isIP(a);
  if (family === 0) return false;
  return LOOPBACK.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    // An embedded IPv4 tail (e.g. 64:ff9b::192.0.2.1) is two groups.
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? [] : new Array(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}

/**
 * The source a connection is counted against for per-source limits: the IPv4 address itself,
 * or the /64 prefix of an IPv6 address. One IPv6 host commonly holds a whole /64, so counting
 * single IPv6 addresses would let one host take every slot.
 */
export function connectionSource(address: string): string {
  const a = normalizeAddress(address);
  const groups = ipv6Groups(a);
  if (!groups) return a;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

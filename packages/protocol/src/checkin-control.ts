import { isIP } from 'node:net';
import { type Static, Type } from '@sinclair/typebox';

/** Where an agent checks in: a host (IP address or fully qualified name) and a TCP port. */
export const ServerAddressSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
  },
  { additionalProperties: false },
);
/** A server address as stored and sent on the wire. */
export type ServerAddress = Static<typeof ServerAddressSchema>;

/** Per-machine check-in control settings (the spec's Check-In Control page). */
export const CheckinControlSchema = Type.Object(
  {
    primary: ServerAddressSchema,
    secondary: Type.Union([ServerAddressSchema, Type.Null()]),
    periodSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
    bindToServer: Type.Boolean(),
    bandwidthKBps: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  },
  { additionalProperties: false },
);
/** The full check-in control object of one machine. */
export type CheckinControl = Static<typeof CheckinControlSchema>;

/** The default check-in period: an agent recovers a dropped connection within it. */
export const DEFAULT_CHECKIN_PERIOD_SECONDS = 30;

/** The default agent gateway port. */
export const DEFAULT_AGENT_PORT = 5721;

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * The host a machine account holds before its first agent arrives (an account made by an
 * install token with a fixed name): `.invalid` never resolves (RFC 2606). The account takes
 * the addresses its first agent was installed with; until then the API shows no primary.
 */
export const UNSET_HOST = 'unset.invalid';

/** Whether an address is the placeholder of an account no agent has checked in to yet. */
export function isUnsetAddress(address: ServerAddress): boolean {
  return address.host.toLowerCase() === UNSET_HOST;
}

/** Whether two addresses name the same server (host names compare without case or root dot). */
export function sameServerAddress(a: ServerAddress, b: ServerAddress): boolean {
  const host = (h: string) => {
    const unbracketed = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
    return unbracketed.toLowerCase().replace(/\.$/, '');
  };
  return a.port === b.port && host(a.host) === host(b.host);
}

/** Why a secondary server is not acceptable next to a primary, or null when it is. */
export function secondaryProblem(primary: ServerAddress, secondary: ServerAddress | null): string | null {
  if (!secondary || !sameServerAddress(primary, secondary)) return null;
  return (
    `the secondary server ${formatServerAddress(secondary)} is the primary itself; give another server ` +
    '(used only while the primary is unreachable) or none'
  );
}

/**
 * Why a host name is not acceptable as a check-in address, or null when it is.
 * Only IP addresses and fully qualified names are allowed: a bare computer name would be
 * resolved through NetBIOS on Windows, which may be off, so agents would silently be stranded.
 */
export function hostProblem(host: string): string | null {
  if (isIP(host) !== 0) return null;
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(unbracketed) === 6) return null;
  if (host.length > 253) return `host "${host}" is longer than 253 characters`;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  // localhost resolves locally on every system, without NetBIOS.
  if (name.toLowerCase() === 'localhost') return null;
  if (!name.includes('.')) {
    return (
      `host "${host}" is a bare computer name; use an IP address or a fully qualified domain name ` +
      '(a computer name needs NetBIOS to resolve, which may be disabled on the agent, so the agent could not reach the server)'
    );
  }
  for (const label of name.split('.')) {
    if (!LABEL.test(label)) return `host "${host}" is not a valid domain name (bad label "${label}")`;
  }
  if (/^[0-9]+$/.test(name.split('.').at(-1) ?? '')) {
    return `host "${host}" looks like an IPv4 address but is not a valid one`;
  }
  return null;
}

/** Why a port is not acceptable, or null when it is. */
export function portProblem(port: number): string | null {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${port} is outside 1-65535`;
  return null;
}

/** Parses "host:port" (IPv6 as "[::1]:5721"); the port defaults to the agent port. */
export function parseServerAddress(text: string, defaultPort = DEFAULT_AGENT_PORT): ServerAddress {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (scheme) {
    throw new Error(
      `invalid server address "${text}": give host:port without "${scheme[1]}://" ` +
        '(agents connect to the agent port, 5721 by default, with their own TLS protocol, not to a URL)',
    );
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  let host: string;
  let port = defaultPort;
  if (bracketed) {
    host = bracketed[1] ?? '';
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (isIP(text) === 6) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon >= 0 ? text.slice(0, colon) : text;
    if (colon >= 0) port = Number(text.slice(colon + 1));
  }
  const portText = bracketed
    ? bracketed[2]
    : isIP(text) === 6 || !text.includes(':')
      ? undefined
      : text.slice(text.lastIndexOf(':') + 1);
  if (portText !== undefined && !/^\d{1,5}$/.test(portText)) {
    throw new Error(`invalid server address "${text}": the port must be written in decimal digits`);
  }
  const problem = hostProblem(host) ?? portProblem(port);
  if (problem) throw new Error(`invalid server address "${text}": ${problem}`);
  return { host, port };
}

/** Formats an address as "host:port", bracketing IPv6 literals. */
export function formatServerAddress(address: ServerAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** The agent port when an address names none (the server's default). */
export const DEFAULT_AGENT_PORT = 5721;

/** Where the README's command keeps the agent's key and settings. */
export const DEFAULT_STATE_DIR = '/var/lib/muster-agent';

/** What the agent command line is made of. */
export interface AgentCommandParts {
  /** host:port of the server's agent port. */
  server: string;
  /** host:port of a secondary server, or empty for none. */
  secondary: string;
  token: string;
  stateDir: string;
}

const SAFE_WORD = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** One word of a POSIX shell command, quoted only when it must be. */
export function shellWord(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that enrolls a machine: `muster agent --server host:port --token … --state DIR`,
 * as the README's "Enrolling an agent" gives it, with a secondary server when one is named.
 */
export function agentCommandLine(parts: AgentCommandParts): string {
  const words = ['muster', 'agent', '--server', parts.server.trim()];
  if (parts.secondary.trim() !== '') words.push('--secondary', parts.secondary.trim());
  words.push('--token', parts.token, '--state', parts.stateDir.trim());
  return words.map(shellWord).join(' ');
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Why the agent would refuse a server address (it checks the same rules at start), or null:
 * host:port without a scheme; an IP address, a fully qualified name or localhost (a bare
 * computer name is a NETBIOS name, which does not resolve everywhere); a port from 1 to 65535.
 */
export function serverAddressProblem(text: string): string | null {
  const address = text.trim();
  if (address === '') return 'Enter the address the agent reaches the server at, as host:port.';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(address))
    return 'Give host:port without a scheme such as https://: agents connect to the agent port with their own protocol.';
  let host = address;
  let port = String(DEFAULT_AGENT_PORT);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (bracketed) {
    host = bracketed[1] ?? '';
    port = bracketed[2] ?? port;
    if (!host.includes(':')) return `"${host}" in brackets is not an IPv6 address.`;
  } else {
    const colon = address.lastIndexOf(':');
    if (address.indexOf(':') !== colon) return 'Write an IPv6 address in brackets: [2001:db8::1]:5721.';
    if (colon >= 0) {
      host = address.slice(0, colon);
      port = address.slice(colon + 1);
    }
    if (!IPV4.test(host) && host.toLowerCase() !== 'localhost') {
      const labels = host.split('.');
      if (labels.length < 2)
        return `"${host}" is a bare computer name (a NETBIOS name): use the fully qualified name or an IP address.`;
      if (!labels.every((l) => LABEL.test(l))) return `"${host}" is not a valid host name.`;
    }
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    return 'The port is a number from 1 to 65535: the agent port (5721 by default), not the API port.';
  return null;
}

/** host:port of the server's agent port as this browser reaches the server (a proposal to edit). */
export function proposedServerAddress(hostname: string, agentPorts: readonly number[]): string {
  const port = agentPorts[0] ?? DEFAULT_AGENT_PORT;
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return `${host}:${port}`;
}

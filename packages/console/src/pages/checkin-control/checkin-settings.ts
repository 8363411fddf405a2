/**
 * The header fields of the Check-In Control page, checked and turned into the settings of
 * PUT /api/v1/checkin-control before anything is sent. Pure, so every rule is tested alone
 * (checkin-settings.test.ts). The server checks everything again; these checks are here so a
 * mistake is explained next to its field and nothing half-right ever leaves the browser.
 */

/** The agent port a KServer field means when its port is left empty. */
export const DEFAULT_AGENT_PORT = 5721;
/** The longest and shortest check-in periods any policy allows (seconds). */
export const MAX_PERIOD_SECONDS = 86_400;
/** The largest bandwidth throttle the API takes (KB/s). */
export const MAX_BANDWIDTH_KBPS = 10_000_000;

/** What Bind to Kserver does to the selected machines. */
export type BindChoice = 'keep' | 'bind' | 'unbind';

/** The header fields as typed; an empty field leaves that setting of each machine as it is. */
export interface SettingsDraft {
  primaryHost: string;
  primaryPort: string;
  secondaryHost: string;
  secondaryPort: string;
  /** Removes the secondary KServer of the selected machines. */
  removeSecondary: boolean;
  periodSeconds: string;
  bind: BindChoice;
  bandwidthKBps: string;
}

/** A draft with nothing to change. */
export const EMPTY_DRAFT: SettingsDraft = {
  primaryHost: '',
  primaryPort: '',
  secondaryHost: '',
  secondaryPort: '',
  removeSecondary: false,
  periodSeconds: '',
  bind: 'keep',
  bandwidthKBps: '',
};

/** The settings of the update: any subset, as the API takes them. */
export interface SettingsPatch {
  primary?: { host: string; port: number };
  secondary?: { host: string; port: number } | null;
  periodSeconds?: number;
  bindToServer?: boolean;
  bandwidthKBps?: number;
}

/** Which field a problem is about (the form shows it there). */
export type DraftField = keyof SettingsDraft | 'form';

/** A problem of one field, worded for the administrator. */
export interface DraftProblem {
  field: DraftField;
  message: string;
}

/**
 * Why a bare computer name is refused, after the manual's warning: the agent turns a host name
 * into an address with the ordinary name lookups, which succeed for a fully qualified name;
 * a plain computer name would only be found through NETBIOS, Windows' optional last resort,
 * which may be switched off on the agent's computer, and the agent would never reach its server.
 */
export function bareNameExplanation(host: string): string {
  return (
    `“${host}” is a bare computer name, not a fully qualified host name. Agents look their server's name up ` +
    'with the ordinary name lookups (DNS); a computer name alone can only be found through NETBIOS, an ' +
    "optional last resort that may be switched off on the agent's computer, and the agent would then never " +
    'reach the server. Give an IP address (192.0.2.10) or a fully qualified name (muster.example.com).'
  );
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Whether a text is an IPv6 address (with or without brackets), as the URL parser reads one. */
function isIpv6(text: string): boolean {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!bare.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(bare)) return false;
  try {
    new URL(`http://[${bare}]/`);
    return true;
  } catch {
    return false;
  }
}

/** Why a KServer host is not acceptable, or null when it is (an IP address or a fully qualified name). */
export function hostProblem(host: string): string | null {
  if (IPV4.test(host) || isIpv6(host)) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host))
    return `“${host}” is a URL: give only the host name or IP address (agents do not use web addresses)`;
  if (host.includes(':') || host.includes('/') || /\s/.test(host))
    return `“${host}” is not a host name: give the port in its own field`;
  if (host.length > 253) return `“${host}” is longer than 253 characters`;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  // localhost resolves on every system without NETBIOS (the server takes it too).
  if (name.toLowerCase() === 'localhost') return null;
  if (!name.includes('.')) return bareNameExplanation(host);
  const bad = name.split('.').find((label) => !LABEL.test(label));
  if (bad !== undefined) return `“${host}” is not a valid host name (the part “${bad}” is not)`;
  if (/^\d+$/.test(name.split('.').at(-1) ?? ''))
    return `“${host}” looks like an IPv4 address but is not one`;
  return null;
}

/** A whole number typed into a field, or null when the text is not one. */
function wholeNumber(text: string): number | null {
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
}

function address(
  hostField: 'primaryHost' | 'secondaryHost',
  portField: 'primaryPort' | 'secondaryPort',
  label: string,
  draft: SettingsDraft,
  problems: DraftProblem[],
): { host: string; port: number } | undefined {
  const host = draft[hostField].trim();
  const portText = draft[portField].trim();
  if (host === '') {
    if (portText !== '')
      problems.push({
        field: hostField,
        message: `give the ${label} host too: a port alone is not a server`,
      });
    return undefined;
  }
  const problem = hostProblem(host);
  if (problem) problems.push({ field: hostField, message: problem });
  const port = portText === '' ? DEFAULT_AGENT_PORT : wholeNumber(portText);
  if (port === null || port < 1 || port > 65535) {
    problems.push({ field: portField, message: `the ${label} port must be a number from 1 to 65535` });
    return undefined;
  }
  return problem ? undefined : { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

/**
 * The settings a draft asks for, or the problems that keep it from being sent. Empty fields
 * are left out, so only what the administrator filled in changes.
 */
export function buildPatch(draft: SettingsDraft): { patch: SettingsPatch } | { problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const patch: SettingsPatch = {};
  const primary = address('primaryHost', 'primaryPort', 'Primary KServer', draft, problems);
  if (primary) patch.primary = primary;
  if (draft.removeSecondary) {
    if (draft.secondaryHost.trim() !== '' || draft.secondaryPort.trim() !== '')
      problems.push({
        field: 'secondaryHost',
        message: 'either remove the Secondary KServer or give a new one, not both',
      });
    else patch.secondary = null;
  } else {
    const secondary = address('secondaryHost', 'secondaryPort', 'Secondary KServer', draft, problems);
    if (secondary) patch.secondary = secondary;
  }
  const periodText = draft.periodSeconds.trim();
  if (periodText !== '') {
    const period = wholeNumber(periodText);
    if (period === null || period < 1 || period > MAX_PERIOD_SECONDS)
      problems.push({
        field: 'periodSeconds',
        message: `the Check-In Period is a whole number of seconds from 1 to ${MAX_PERIOD_SECONDS.toLocaleString('en-US')}`,
      });
    else patch.periodSeconds = period;
  }
  if (draft.bind !== 'keep') patch.bindToServer = draft.bind === 'bind';
  const bandwidthText = draft.bandwidthKBps.trim();
  if (bandwidthText !== '') {
    const kbps = wholeNumber(bandwidthText);
    if (kbps === null || kbps > MAX_BANDWIDTH_KBPS)
      problems.push({
        field: 'bandwidthKBps',
        message: `the Bandwidth Throttle is a whole number of KB/s up to ${MAX_BANDWIDTH_KBPS.toLocaleString('en-US')} (0 turns it off)`,
      });
    else patch.bandwidthKBps = kbps;
  }
  if (problems.length > 0) return { problems };
  if (Object.keys(patch).length === 0)
    return { problems: [{ field: 'form', message: 'set at least one field to change' }] };
  return { patch };
}

/** An address as the table shows it: "host:port", IPv6 in brackets. */
export function formatAddress(a: { host: string; port: number } | null): string {
  if (a === null) return '';
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

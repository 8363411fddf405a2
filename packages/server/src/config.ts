import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The one configuration schema of `muster server`. Every setting has a default and a
 * description (the README's configuration table is printed from it). Precedence: command-line
 * flags > environment (MUSTER_<NAME>) > config file (JSON, --config) > defaults.
 */
export const ServerConfigSchema = Type.Object(
  {
    dataDir: Type.String({
      default: './muster-data',
      description:
        'Data directory: SQLite store, TLS certificate, admin token. One server process per directory (locked while it runs).',
    }),
    databaseUrl: Type.String({
      default: '',
      description: 'postgres://... to use PostgreSQL; empty uses the SQLite file <dataDir>/muster.db.',
    }),
    httpHost: Type.String({ default: '127.0.0.1', description: 'Address of the HTTP API.' }),
    httpPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8080,
      description: 'Port of the HTTP API (0 picks a free one).',
    }),
    consoleDir: Type.String({
      default: '',
      description:
        'Folder of the built web console served at /; empty uses the one built by npm install (packages/console/dist). "off" serves no console.',
    }),
    agentBuildDir: Type.String({
      default: '',
      description:
        "Folder of the agent executable (npm run build:agent) served at /downloads and used by the install scripts at /install/<token>; empty uses the repository's dist/agent.",
    }),
    agentUpdateGroups: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
      default: [],
      description:
        'Machine filters ("web.acme", "*.lab.acme", "*" for all) whose self-contained agents are updated to the build in agentBuildDir; empty: no roll-out.',
    }),
    agentUpdateConcurrency: Type.Integer({
      minimum: 1,
      default: 20,
      description: 'At most this many agent updates queued or running at once, across every node.',
    }),
    agentUpdateTrialSeconds: Type.Integer({
      minimum: 5,
      maximum: 3600,
      default: 300,
      description: 'How long an updated agent has to check in before it goes back to its previous version.',
    }),
    agentUpdateIntervalMs: Type.Integer({
      minimum: 100,
      default: 30000,
      description: 'How often each node looks for agents to update.',
    }),
    agentHost: Type.String({ default: '0.0.0.0', description: 'Address the agent gateway listens on.' }),
    nodeAddress: Type.String({
      default: '',
      maxLength: 253,
      description:
        "Host other server nodes reach this node's first agent port at, to relay a remote terminal; empty: agentHost, or this machine's first non-loopback IPv4 address when agentHost is a wildcard.",
    }),
    terminalIdleMinutes: Type.Integer({
      minimum: 0,
      maximum: 10080,
      default: 15,
      description: 'A remote terminal with no input and no output this long ends (0: never).',
    }),
    terminalRecordInput: Type.Boolean({
      default: true,
      description: 'Record what is typed in a remote terminal beside its output (output is always recorded).',
    }),
    agentPorts: Type.Array(Type.Integer({ minimum: 0, maximum: 65535 }), {
      minItems: 1,
      default: [5721],
      description:
        'Agent gateway ports (TLS 1.3 WebSocket). Several at once during a port change: "5721,5821".',
    }),
    tlsCert: Type.String({
      default: '',
      description: 'PEM certificate for the agent port; empty makes a self-signed ECDSA P-256 one.',
    }),
    tlsKey: Type.String({ default: '', description: 'PEM private key matching tlsCert.' }),
    tlsNames: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), {
      default: [],
      description:
        "Host names and IP addresses put in the self-signed certificate, besides localhost, 127.0.0.1, ::1 and the machine's host name.",
    }),
    lanSubnets: Type.Array(Type.String(), {
      default: [],
      description: "Extra subnets (CIDR) counted as the server's LAN for the lan-via-gateway warning.",
    }),
    lanSubnetsFromInterfaces: Type.Boolean({
      default: true,
      description: "Count the subnets of the server's own network interfaces as its LAN.",
    }),
    installTokenExpirySeconds: Type.Integer({
      minimum: 0,
      maximum: 10 * 365 * 86400,
      default: 604800,
      description:
        'Lifetime of an install token created without one (7 days); 0: such tokens never expire. A token can still be made to never expire explicitly.',
    }),
    temporaryAgentOfflineSeconds: Type.Integer({
      minimum: 1,
      default: 3600,
      description: 'A temporary agent offline longer than this is removed.',
    }),
    checkinFlushMs: Type.Integer({
      minimum: 1000,
      maximum: 60000,
      default: 1000,
      description:
        'How often coalesced check-ins are written: one batch for all agents, never more than once a second.',
    }),
    checkinHistoryKeep: Type.Integer({
      minimum: 1,
      maximum: 10000,
      default: 100,
      description:
        "How many connections each machine's check-in history keeps (the newest); older ones are deleted as new ones begin.",
    }),
    authFailureDelayMs: Type.Integer({
      minimum: 0,
      maximum: 60000,
      default: 2000,
      description: 'How long a failed agent authentication is held before the connection closes.',
    }),
    maxPendingHandshakes: Type.Integer({
      minimum: 1,
      default: 256,
      description:
        'Agent connections allowed in their handshake at once; more are dropped at once and retry later. A quarter is kept for addresses agents were admitted from.',
    }),
    maxPendingHandshakesPerAddress: Type.Integer({
      minimum: 1,
      default: 32,
      description:
        'Of those, the most one source address (IPv6: one /64) may hold; raise it for many agents behind one NAT address.',
    }),
    maxAgentConnections: Type.Integer({
      minimum: 0,
      default: 0,
      description:
        "Agent connections (in their handshake or established) a node holds at most; more are closed at once and their agents try their other server. 0: the process's open-file limit less a reserve for the store, the API and files (a quarter of the limit, at most 1000); no limit where the open-file limit cannot be read (not Linux).",
    }),
    agentReconnectRate: Type.Integer({
      minimum: 1,
      default: 300,
      description:
        'Agents per second a node asks back when it drops its sessions at once (shutdown, restart): each agent is told a window of agents/rate seconds and comes back at a random moment in it.',
    }),
    handshakeTimeoutMs: Type.Integer({
      minimum: 100,
      default: 10000,
      description:
        'Time a connection has to finish TLS and the WebSocket upgrade, and then again the agent handshake; a slower one is dropped.',
    }),
    commandMaxAttempts: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 3,
      description:
        'Deliveries of a command before it ends `unknown` (a lost endpoint or an expired lease uses one).',
    }),
    commandDefaultTtlSeconds: Type.Integer({
      minimum: 0,
      maximum: 365 * 86400,
      default: 7 * 86400,
      description:
        'Time to live of a command whose request gives no ttlSeconds (0: never expires). A request may still ask for never with "ttlSeconds": null.',
    }),
    commandLeaseSeconds: Type.Integer({
      minimum: 5,
      default: 300,
      description:
        'How long a delivered command may run before it returns to the queue (shell commands: at least their timeout).',
    }),
    commandOutputLimitBytes: Type.Integer({
      minimum: 1024,
      maximum: 16 * 1024 * 1024,
      default: 65536,
      description: 'Output kept per command result; longer output is cut.',
    }),
    fileMaxBytes: Type.Integer({
      minimum: 1024,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 1024 * 1024 * 1024,
      description:
        'Largest file the server stores: an upload for put-file (POST /api/v1/files) or a file fetched by get-file.',
    }),
    replicationDeleteDelaySeconds: Type.Integer({
      minimum: 0,
      maximum: 365 * 86400,
      default: 7 * 86400,
      description:
        'A file deleted on a local server is deleted offsite only this long after (so a ransomware wipe does not reach the offsite copy at once).',
    }),
    replicationInactiveSeconds: Type.Integer({
      minimum: 1,
      default: 3600,
      description:
        'A local server without contact with its offsite server this long raises a local-server-inactive notification.',
    }),
    replicationReportStaleSeconds: Type.Integer({
      minimum: 1,
      default: 120,
      description:
        'A role whose agent has not reported for this long counts as down (offsite server offline, local server inactive).',
    }),
    replicationWatchMs: Type.Integer({
      minimum: 100,
      default: 30_000,
      description: 'How often local servers are checked for inactivity.',
    }),
    replicationVerifySchedule: Type.String({
      minLength: 1,
      default: '0 3 * * 0',
      description:
        'When offsite servers re-hash their stored data against the manifests (cron; default Sundays 03:00). Damaged blocks are reported and fetched again.',
    }),
    snapshotKeepLast: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 7,
      description: 'Synthetic full backups: the newest snapshots always kept.',
    }),
    snapshotKeepDaily: Type.Integer({
      minimum: 0,
      maximum: 1000,
      default: 14,
      description: 'Synthetic full backups: also keep the newest snapshot of each of this many days.',
    }),
    snapshotKeepWeekly: Type.Integer({
      minimum: 0,
      maximum: 1000,
      default: 8,
      description: 'Synthetic full backups: also keep the newest snapshot of each of this many ISO weeks.',
    }),
    commandRetentionDays: Type.Number({
      minimum: 0,
      default: 30,
      description: 'Finished commands older than this are deleted.',
    }),
    terminalRecordingDays: Type.Number({
      minimum: 1,
      default: 90,
      description:
        'Remote terminal sessions ended longer ago than this are deleted with their recordings (the audit log keeps its entries).',
    }),
    heapGrowthPercent: Type.Integer({
      minimum: 0,
      maximum: 1000,
      default: 100,
      description:
        "How far V8's old generation may grow past the live heap before its next full collection, in percent (100: to twice the live heap; 0: V8's own choice). Lower saves memory, higher saves CPU while bytes stream through the node (remote terminals).",
    }),
    queueSweepMs: Type.Integer({
      minimum: 100,
      default: 1000,
      description: 'How often leases, time to live and retention are checked.',
    }),
    webhookPollMs: Type.Integer({
      minimum: 10,
      default: 1000,
      description: 'How often each node looks for webhook deliveries that are due.',
    }),
    webhookRetryBaseMs: Type.Integer({
      minimum: 10,
      default: 1000,
      description: 'Base of the webhook retry backoff (full jitter, doubling, capped at 10 minutes).',
    }),
    webhookMaxAttempts: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 8,
      description: 'Attempts of a webhook delivery before it goes to the dead-letter list.',
    }),
    webhookAllowLocal: Type.Boolean({
      default: false,
      description:
        "Let webhook URLs point at loopback (127.0.0.0/8, ::1, localhost) or link-local (169.254.0.0/16, fe80::/10) addresses, such as a receiver on the server's own host; off, they are refused when set and a name resolving there fails at send time.",
    }),
    alertEvaluateMs: Type.Integer({
      minimum: 100,
      default: 30_000,
      description:
        'How often alert rules are evaluated (offline, never checked in): a few indexed queries for all machines per evaluation.',
    }),
    alertPollMs: Type.Integer({
      minimum: 10,
      default: 1000,
      description: 'How often each node looks for alert mail and webhook messages that are due.',
    }),
    alertRetryBaseMs: Type.Integer({
      minimum: 10,
      default: 5000,
      description: 'Base of the alert message retry backoff (full jitter, doubling, capped at 10 minutes).',
    }),
    alertMaxAttempts: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 10,
      description: 'Attempts of an alert mail or webhook message before it is kept as failed.',
    }),
    smtpHost: Type.String({
      default: '',
      description: 'SMTP relay for alert mail; empty: no mail (alert mail is recorded as failed).',
    }),
    smtpPort: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 587,
      description: 'Port of the SMTP relay.',
    }),
    smtpSecurity: Type.Union(
      ['starttls', 'tls', 'none'].map((l) => Type.Literal(l)),
      {
        default: 'starttls',
        description:
          'starttls: STARTTLS required (port 587); tls: TLS from the start (port 465); none: unencrypted (a relay on the same host only).',
      },
    ),
    smtpUser: Type.String({ default: '', description: 'SMTP AUTH user; empty: no authentication.' }),
    smtpPassword: Type.String({
      default: '',
      description:
        'SMTP AUTH password (set it through the environment or the config file, not a flag ps shows).',
    }),
    smtpFrom: Type.String({ default: 'muster@localhost', description: 'From address of alert mail.' }),
    smtpCaFile: Type.String({
      default: '',
      description: "PEM file of CAs trusted for the relay's certificate besides the system's (a private CA).",
    }),
    deviceHost: Type.String({
      default: '0.0.0.0',
      description: 'Address of the HTTPS endpoint devices check in to.',
    }),
    devicePort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 5723,
      description: 'Port of the device endpoint (0 picks a free one).',
    }),
    deviceOverdueMarginMinutes: Type.Integer({
      minimum: 0,
      default: 60,
      description: 'A device that misses its expected check-in by more than this is shown overdue.',
    }),
    deviceLocationRetentionDays: Type.Number({
      minimum: 0,
      default: 90,
      description: 'Location history older than this is deleted.',
    }),
    apnsCertFile: Type.String({
      default: '',
      description: 'APNs provider certificate (PEM); empty: no APNs wake-ups.',
    }),
    apnsKeyFile: Type.String({
      default: '',
      description: 'Private key of the APNs provider certificate (PEM).',
    }),
    apnsCaFile: Type.String({
      default: '',
      description: 'CA bundle to trust for APNs (empty: the system CAs).',
    }),
    apnsBaseUrl: Type.String({ default: 'https://api.push.apple.com', description: 'APNs address.' }),
    apnsTopic: Type.String({ default: '', description: 'apns-topic: the app bundle id (or the MDM topic).' }),
    smppHost: Type.String({
      default: '',
      description: 'SMS centre (SMPP) host for Android wake-ups; empty: none.',
    }),
    smppPort: Type.Integer({ minimum: 1, maximum: 65535, default: 2775, description: 'SMPP port.' }),
    smppSystemId: Type.String({ default: '', description: 'SMPP system_id.' }),
    smppPassword: Type.String({ default: '', description: 'SMPP password.' }),
    smppSourceAddr: Type.String({ default: 'Muster', description: 'Sender of wake-up texts.' }),
    smsHttpUrl: Type.String({
      default: '',
      description: 'Generic HTTP SMS gateway URL (used when no SMPP host is set).',
    }),
    smsHttpToken: Type.String({ default: '', description: 'Bearer token for the HTTP SMS gateway.' }),
    wakeWebhookSecret: Type.String({
      default: '',
      description: 'HMAC-SHA256 secret for webhook wake-ups; empty: webhook wake-ups are off.',
    }),
    metricsToken: Type.String({
      default: '',
      pattern: '^([\\x21-\\x7e]{32,})?$',
      description:
        'Bearer token a Prometheus scraper sends to GET /metrics (32 or more printable characters, no spaces); empty: /metrics is off. Set it by environment or config file: a flag shows in ps.',
    }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info', description: 'Log level (logs are JSON lines on standard output).' },
    ),
  },
  { additionalProperties: false },
);

/** The validated server configuration. */
export type ServerConfig = Static<typeof ServerConfigSchema>;

/** The environment variable of a setting: dataDir -> MUSTER_DATA_DIR. */
export function envName(key: string): string {
  return `MUSTER_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

function fromEnvText(schema: TSchema, text: string): unknown {
  if (schema.type === 'array') {
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return schema.items?.type === 'integer' ? items.map(Number) : items;
  }
  if (schema.type === 'integer' || schema.type === 'number') return Number(text);
  if (schema.type === 'boolean')
    return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
  return text;
}

/** A configuration problem, listing every bad setting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the configuration from flags, environment, an optional JSON file and the defaults,
 * and validates it; a bad value names its setting and source.
 */
export function loadServerConfig(
  flags: Partial<Record<keyof ServerConfig, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
  configFile?: string,
): ServerConfig {
  let file: Record<string, unknown> = {};
  if (configFile) {
    try {
      file = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (error) {
      throw new ConfigError(`cannot read config file ${configFile}: ${(error as Error).message}`);
    }
  }
  const merged: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [key, schema] of Object.entries(ServerConfigSchema.properties) as Array<[string, TSchema]>) {
    const fromEnv = env[envName(key)];
    const flag = (flags as Record<string, unknown>)[key];
    if (flag !== undefined) {
      merged[key] = flag;
      sources[key] = `flag --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      merged[key] = fromEnvText(schema, fromEnv);
      sources[key] = envName(key);
    } else if (key in file) {
      merged[key] = file[key];
      sources[key] = `config file ${configFile}`;
    } else {
      merged[key] = structuredClone(schema.default);
    }
  }
  const unknownKeys = Object.keys(file).filter((k) => !(k in ServerConfigSchema.properties));
  const errors = [...Value.Errors(ServerConfigSchema, merged)].map((e) => {
    const key = e.path.split('/')[1] ?? '';
    return `${key} (${sources[key] ?? 'default'}): ${e.message}`;
  });
  for (const k of unknownKeys) errors.push(`${k} (config file ${configFile}): unknown setting`);
  if (errors.length > 0) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  const config = merged as ServerConfig;
  return { ...config, dataDir: resolve(config.dataDir) };
}

/** The SQLite file used when no database URL is set. */
export function sqliteFileOf(config: ServerConfig): string {
  return join(config.dataDir, 'muster.db');
}

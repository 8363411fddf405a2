import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { CheckinControl } from '@muster/protocol';
import { PERMISSIONS } from '../access/permissions';
import { hashSecret } from '../services/secrets';
import type { StoreBackend } from '../store/interfaces';

/** An answer of the API as text (to search for foreign names) and parsed JSON. */
export interface RawAnswer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever shape each route answers.
  body: any;
}

/** Calls the API at `httpUrl` with a bearer token. A string or Buffer body is sent as is. */
export async function callApi(
  httpUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<RawAnswer> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body);
  const response = await fetch(`${httpUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined
        ? {}
        : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }),
    },
    body: body === undefined ? undefined : raw ? (body as string | Buffer) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, text, body: parsed };
}

/** What one organization holds after seeding, by kind. */
export interface OrganizationObjects {
  org: string;
  machines: string[];
  devices: string[];
  commands: string[];
  files: string[];
  notifications: string[];
  installTokens: string[];
  offsiteServers: string[];
  localServers: string[];
  alertRules: string[];
  maintenanceWindows: string[];
  /** A recorded (ended) terminal session on the first machine. */
  terminalSessions: string[];
  webhookUrl: string;
}

const CONTROL: CheckinControl = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

/**
 * Gives an organization one of everything an administrator can see: machines in two groups
 * (`web.<org>` and `lab.<org>`), a device, a queued command, an uploaded file, notifications,
 * a webhook, install tokens, an offsite and a local server, an alert rule and a maintenance window. Machines (enrolled with their install tokens), devices and
 * notifications are written through the store (no agent or phone is needed for them to be
 * listed); the rest through the API as `master`, as an administrator would.
 */
export async function seedOrganization(
  store: StoreBackend,
  httpUrl: string,
  master: string,
  org: string,
  webhookUrl: string,
): Promise<OrganizationObjects> {
  const api = (method: string, path: string, body?: unknown) => callApi(httpUrl, master, method, path, body);
  const ok = (answer: RawAnswer, what: string) => {
    assert.ok(answer.status >= 200 && answer.status < 300, `${what}: ${answer.status} ${answer.text}`);
    return answer.body;
  };
  const now = Date.now();
  const machines = [`m1.web.${org}`, `m2.web.${org}`, `m3.lab.${org}`];
  // Each machine enrolls as its agent would, with a fixed-name install token: it gets a key,
  // which an offsite server needs before a local server can pin it.
  const installTokens: string[] = [];
  for (const id of machines) {
    const name = id.slice(0, id.indexOf('.'));
    const made = ok(
      await api('POST', '/install-tokens', { group: id.slice(name.length + 1), machineName: name }),
      `install token for ${id}`,
    );
    installTokens.push(made.id);
    const enrolled = await store.installTokens.enroll({
      tokenHash: hashSecret(made.token),
      now,
      hostDerivedName: name,
      publicKey: `public-key-${id}`,
      keyFingerprint: createHash('sha256').update(id).digest('hex'),
      hardwareId: `hardware-${id}`,
      hostName: `host-${id}`,
      guid: `guid-${id}`,
      defaultCheckinControl: CONTROL,
    });
    assert.equal(enrolled.kind === 'enrolled' && enrolled.machine.id, id);
  }

  const enrollment = ok(
    await api('POST', '/device-enrollment-tokens', { group: `phones.${org}`, platform: 'ios' }),
    'device enrollment token',
  );
  const enrolled = await store.devices.enrollDevice({
    tokenHash: hashSecret(enrollment.token),
    now,
    name: `phone-of-${org}`,
    platform: 'ios',
    publicKey: `key-${org}`,
    guid: `device-guid-${org}`,
    model: 'iPhone',
    osVersion: '18',
    batteryPercent: 80,
    pushChannel: null,
  });
  assert.equal(enrolled.kind, 'enrolled');
  const devices = enrolled.kind === 'enrolled' ? [enrolled.device.id] : [];

  const notifications: string[] = [];
  for (const machineId of machines) {
    const message = `${machineId} shares its account with another agent (${org})`;
    await store.notifications.addNotification({
      type: 'duplicate-account',
      machineId,
      message,
      createdAt: now,
      dedupeKey: `leak-${machineId}`,
    });
    notifications.push(message);
  }

  const queued = ok(
    await api('POST', '/commands', {
      targets: { machines: machines.slice(0, 2) },
      type: 'shell',
      params: { script: `echo ${org}` },
    }),
    'commands',
  );
  const toDevice = ok(
    await api('POST', '/commands', { targets: { devices }, type: 'sync', params: {} }),
    'device command',
  );
  const commands = [...queued.items, ...toDevice.items].map((c: { id: string }) => c.id);

  const file = ok(
    await api('POST', `/files?name=${org}-plan.txt&group=web.${org}`, Buffer.from(`plan of ${org}`)),
    'file',
  );
  ok(await api('PUT', `/organizations/${org}/webhook`, { url: webhookUrl }), 'webhook');
  const offsite = ok(
    await api('POST', '/offsite-servers', {
      machineId: machines[0],
      host: `offsite.${org}.example`,
      port: 5722,
      directory: `/srv/offsite-${org}`,
    }),
    'offsite server',
  );
  const local = ok(
    await api('POST', '/local-servers', {
      machineId: machines[1],
      directory: `/srv/images-${org}`,
      offsiteServerId: offsite.id,
    }),
    'local server',
  );
  const rule = ok(
    await api('POST', '/alert-rules', {
      name: `${org} web offline`,
      group: `web.${org}`,
      condition: 'offline',
      minutes: 15,
      emails: [`ops@${org}.example`],
    }),
    'alert rule',
  );
  const window = ok(
    await api('POST', '/maintenance-windows', {
      group: `lab.${org}`,
      startsAt: new Date(now + 3_600_000).toISOString(),
      endsAt: new Date(now + 7_200_000).toISOString(),
      reason: `${org} lab move`,
    }),
    'maintenance window',
  );
  // A terminal session as a node records one (no agent runs here to open a real one).
  const terminal = await store.terminalSessions.create({
    id: `terminal-of-${org}`,
    machineId: machines[0] as string,
    groupId: `web.${org}`,
    userId: 'master',
    username: 'master',
    nodeId: 'node-a',
    agentNodeId: 'node-a',
    startedAt: now,
    cols: 80,
    rows: 24,
    recordInput: true,
  });
  await store.terminalSessions.appendRecording(
    terminal.id,
    0,
    Buffer.from(
      `{"version":2,"width":80,"height":24,"timestamp":${Math.floor(now / 1000)}}\n[0.1,"o","${org} prompt$ "]\n`,
    ),
  );
  await store.terminalSessions.finish(terminal.id, {
    endedAt: now + 1000,
    endReason: 'exit',
    endedBy: null,
    bytesIn: 0,
    bytesOut: 12,
  });
  return {
    org,
    machines,
    devices,
    commands,
    files: [file.id],
    notifications,
    installTokens,
    offsiteServers: [offsite.id],
    localServers: [local.id],
    alertRules: [rule.id],
    maintenanceWindows: [window.id],
    terminalSessions: [terminal.id],
    webhookUrl,
  };
}

/** Every string of an organization that another organization's users must never read. */
export function secretsOf(o: OrganizationObjects): string[] {
  return [
    o.org,
    ...o.machines,
    ...o.devices,
    ...o.commands,
    ...o.files,
    ...o.notifications,
    ...o.installTokens,
    ...o.offsiteServers,
    ...o.localServers,
    ...o.alertRules,
    ...o.maintenanceWindows,
    ...o.terminalSessions,
    o.webhookUrl,
  ];
}

/**
 * Makes a user through the API as `master` holding one role on one scope, and an API token of
 * theirs. Permissions default to all of them.
 */
export async function scopedUserToken(
  httpUrl: string,
  master: string,
  name: string,
  entries: ReadonlyArray<{ kind: 'organization' | 'group' | 'machine'; id: string; include: boolean }>,
  permissions: readonly string[] = PERMISSIONS,
): Promise<string> {
  const api = (method: string, path: string, body?: unknown) => callApi(httpUrl, master, method, path, body);
  const made = [
    await api('POST', '/roles', { name: `${name}-role`, permissions }),
    await api('POST', '/scopes', { name: `${name}-scope`, entries }),
    await api('POST', '/users', { name, grants: [{ role: `${name}-role`, scope: `${name}-scope` }] }),
  ];
  for (const answer of made) assert.equal(answer.status, 201, answer.text);
  const token = await api('POST', '/tokens', { name: `${name}-token`, user: name });
  assert.equal(token.status, 201, token.text);
  return token.body.token as string;
}

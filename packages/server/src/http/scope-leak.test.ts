import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connectAgent, generateAgentKey } from '@muster/agent';
import type { AgentMessage } from '@muster/protocol';
import { PERMISSIONS } from '../access/permissions';
import { sqliteFileOf } from '../config';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import {
  callApi,
  type OrganizationObjects,
  type RawAnswer,
  scopedUserToken,
  secretsOf,
  seedOrganization,
} from '../test-support/two-organizations';

// The leak test of issue 9: two organizations with one of everything, and a user who holds
// every permission on acme only. Whatever the API answers that user must hold nothing of
// globex, and what is out of scope must read exactly like what does not exist. The routes are
// read from the OpenAPI document at test time, so a new route is walked without editing this.

const OPENAPI_PREFIX = '/api/v1';
/** Made-up ids shaped like real ones, for the "exactly like an unknown id" comparisons. */
const UNKNOWN_HEX = '0123456789abcdef0123456789abcdef';

/** GET routes with path parameters: a globex value and an unknown value of the same kind. */
function byIdTargets(
  globex: OrganizationObjects,
): Record<string, [string, string] | 'not organization data'> {
  const machine: [string, string] = [globex.machines[0] as string, 'm1.web.nowhere'];
  const device: [string, string] = [globex.devices[0] as string, 'phone-of-nowhere.phones.nowhere'];
  const file: [string, string] = [globex.files[0] as string, UNKNOWN_HEX];
  return {
    '/machines/{id}': machine,
    '/machines/{id}/commands': machine,
    '/machines/{id}/checkin-history': machine,
    '/terminal-sessions/{id}/recording': [globex.terminalSessions[0] as string, 'no-such-terminal-session'],
    '/commands/{id}': [globex.commands[0] as string, UNKNOWN_HEX],
    '/devices/{id}': device,
    '/devices/{id}/locations': device,
    '/devices/{id}/wakes': device,
    '/device-groups/{group}/settings': ['phones.globex', 'phones.nowhere'],
    '/checkin-policy/{group}': ['web.globex', 'web.nowhere'],
    '/files/{id}': file,
    '/files/{id}/content': file,
    '/offsite-servers/{id}': [globex.offsiteServers[0] as string, UNKNOWN_HEX],
    '/local-servers/{id}': [globex.localServers[0] as string, UNKNOWN_HEX],
    '/organizations/{org}/webhook': ['globex', 'nowhere'],
    '/alert-rules/{id}': [globex.alertRules[0] as string, UNKNOWN_HEX],
    // People and their grants belong to no organization (and need users.manage on everything).
    '/users/{id}': 'not organization data',
    '/users/{id}/grants': 'not organization data',
    '/roles/{id}': 'not organization data',
    '/scopes/{id}': 'not organization data',
  };
}

/** The names of globex that the answer holds (none, for the test to pass). */
function foreign(answer: { text: string }, secrets: readonly string[]): string[] {
  return secrets.filter((s) => answer.text.includes(s));
}

/** A started server-sent-events stream and the events read from it so far. */
interface EventStream {
  events: Array<{ event: string; data: Record<string, unknown> }>;
  /** Reads until an event satisfies `done` (the stream is ordered, so what came before is all there). */
  until(done: (data: Record<string, unknown>) => boolean): Promise<void>;
  close(): void;
}

async function openEvents(httpUrl: string, token: string): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${httpUrl}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  assert.equal(response.status, 200);
  assert.ok(response.body);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const events: EventStream['events'] = [];
  // The first comment says the subscription is in place; events before it would be missed.
  while (!buffered.includes(': connected\n\n')) {
    const { value, done } = await reader.read();
    assert.ok(!done, 'the stream ended before it said connected');
    buffered += decoder.decode(value, { stream: true });
  }
  buffered = buffered.slice(buffered.indexOf(': connected\n\n') + ': connected\n\n'.length);
  return {
    events,
    async until(done) {
      for (;;) {
        let end = buffered.indexOf('\n\n');
        while (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            const parsed = JSON.parse(data) as Record<string, unknown>;
            events.push({ event, data: parsed });
            if (done(parsed)) return;
          }
          end = buffered.indexOf('\n\n');
        }
        const { value, done: ended } = await reader.read();
        assert.ok(!ended, 'the stream ended');
        buffered += decoder.decode(value, { stream: true });
      }
    },
    close: () => abort.abort(),
  };
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`scope leak: a user of acme sees nothing of globex (${backend})`, () => {
    let server: TestApiServer;
    let store: StoreBackend;
    let database: TestPostgresDatabase | undefined;
    let master = '';
    let acmeUser = '';
    let acme: OrganizationObjects;
    let globex: OrganizationObjects;
    let globexSecrets: string[] = [];
    const as = (token: string, method: string, path: string, body?: unknown) =>
      callApi(server.server.httpUrl, token, method, path, body);

    before(async () => {
      database = backend === 'postgres' ? await createTestPostgresDatabase() : undefined;
      // Webhook deliveries to a closed local port die at their first attempt, so each
      // organization has dead letters to (not) see.
      server = await startTestApiServer(
        {
          ...(database ? { databaseUrl: database.url } : {}),
          webhookAllowLocal: true,
          webhookMaxAttempts: 1,
          webhookPollMs: 50,
        },
        // The webhook receivers and the event stream are real connections.
        { listen: true },
      );
      store = await openSqlStore(
        database ? { postgresUrl: database.url } : { sqliteFile: sqliteFileOf(server.config) },
      );
      master = readFileSync(server.server.adminTokenFile, 'utf8').trim();
      const url = server.server.httpUrl;
      acme = await seedOrganization(store, url, master, 'acme', 'http://127.0.0.1:9/hooks/acme');
      globex = await seedOrganization(store, url, master, 'globex', 'http://127.0.0.1:9/hooks/globex');
      globexSecrets = secretsOf(globex);
      acmeUser = await scopedUserToken(url, master, 'alice', [
        { kind: 'organization', id: 'acme', include: true },
      ]);
      // Both organizations' first deliveries have died before any test reads dead letters.
      for (;;) {
        const dead = (await as(master, 'GET', '/webhooks/dead-letters')).body.items as Array<{ org: string }>;
        if (dead.some((d) => d.org === 'acme') && dead.some((d) => d.org === 'globex')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    after(async () => {
      await store?.close();
      await server?.close();
      await database?.drop();
    });

    test('every list endpoint of the OpenAPI document answers acme items and nothing of globex', async () => {
      const doc = (await as(master, 'GET', '/openapi.json')).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const lists = Object.entries(doc.paths)
        .filter(([path, ops]) => 'get' in ops && !path.includes('{'))
        .map(([path]) => path.slice(OPENAPI_PREFIX.length));
      // What acme's user must find in each list, so an empty answer cannot pass for a scoped one.
      const expected: Record<string, { items: string[]; count?: number }> = {
        '/machines': { items: acme.machines, count: acme.machines.length },
        '/devices': { items: acme.devices, count: acme.devices.length },
        '/commands': { items: acme.commands },
        '/files': { items: acme.files, count: acme.files.length },
        '/notifications': { items: acme.notifications, count: acme.notifications.length },
        '/install-tokens': { items: acme.installTokens, count: acme.installTokens.length },
        '/offsite-servers': { items: acme.offsiteServers, count: 1 },
        '/local-servers': { items: acme.localServers, count: 1 },
        '/webhooks/dead-letters': { items: ['acme'] },
      };
      for (const path of Object.keys(expected)) assert.ok(lists.includes(path), `${path} is in the document`);
      const streams: string[] = [];
      for (const path of lists) {
        const abort = new AbortController();
        const response = await fetch(`${server.server.httpUrl}${OPENAPI_PREFIX}${path}`, {
          headers: { authorization: `Bearer ${acmeUser}` },
          signal: abort.signal,
        });
        if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
          // A stream never ends; it has its own test below.
          abort.abort();
          streams.push(path);
          continue;
        }
        const answer = { status: response.status, text: await response.text() };
        assert.ok(answer.status < 500, `${path}: ${answer.status} ${answer.text}`);
        assert.deepEqual(foreign(answer, globexSecrets), [], `${path} shows globex: ${answer.text}`);
        const want = expected[path];
        if (!want) continue;
        assert.equal(answer.status, 200, `${path}: ${answer.text}`);
        for (const item of want.items) assert.ok(answer.text.includes(item), `${path} lists ${item}`);
        if (want.count !== undefined) {
          assert.equal(JSON.parse(answer.text).items.length, want.count, `${path} counts acme's only`);
        }
      }
      assert.deepEqual(streams, ['/events']);
      // The same lists as master hold globex, so the fixture really gave the other side something.
      const all = await as(master, 'GET', '/machines');
      assert.equal(all.body.items.length, acme.machines.length + globex.machines.length);
    });

    test('every get by id of a globex object answers 404 exactly as an unknown id', async () => {
      const doc = (await as(master, 'GET', '/openapi.json')).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const targets = byIdTargets(globex);
      const byId = Object.entries(doc.paths)
        .filter(([path, ops]) => 'get' in ops && path.includes('{'))
        .map(([path]) => path.slice(OPENAPI_PREFIX.length));
      assert.ok(byId.length >= 10);
      for (const template of byId) {
        const target = targets[template];
        assert.ok(target, `${template}: say which globex object it reads (byIdTargets)`);
        if (target === 'not organization data') continue;
        const [theirs, unknown] = target;
        const path = (id: string) => template.replace(/\{[a-z]+\}/, encodeURIComponent(id));
        const seen = await as(master, 'GET', path(theirs));
        assert.equal(seen.status, 200, `master reads ${path(theirs)}: ${seen.text}`);
        const hidden = await as(acmeUser, 'GET', path(theirs));
        const missing = await as(acmeUser, 'GET', path(unknown));
        assert.equal(missing.status, 404, `${path(unknown)}: ${missing.text}`);
        assert.equal(hidden.status, 404, `${path(theirs)}: ${hidden.text}`);
        assert.equal(
          hidden.text.replaceAll(theirs, '<id>'),
          missing.text.replaceAll(unknown, '<id>'),
          template,
        );
      }
    });

    test('canceling a globex command is 404 and leaves it pending', async () => {
      const id = globex.commands[0] as string;
      const refused = await as(acmeUser, 'POST', `/commands/${id}/cancel`);
      assert.equal(refused.status, 404, refused.text);
      assert.equal((await as(master, 'GET', `/commands/${id}`)).body.status, 'pending');
    });

    test('a fan-out by * queues for acme machines only and says how many it matched', async () => {
      const answer = await as(acmeUser, 'POST', '/commands', {
        targets: { filter: '*' },
        type: 'audit',
        params: {},
        idempotencyKey: `fan-out-${backend}`,
      });
      assert.equal(answer.status, 201, answer.text);
      assert.equal(answer.body.matched, acme.machines.length);
      const targets = (answer.body.items as Array<{ target: string }>).map((i) => i.target).sort();
      assert.deepEqual(targets, [...acme.machines].sort());
      const queued = await as(master, 'GET', '/commands?type=audit');
      assert.equal(queued.body.items.length, acme.machines.length);
      assert.deepEqual(foreign(queued, [...globex.machines]), []);
    });

    test("put-file of globex's file to an acme machine is an unknown file (404) and queues nothing", async () => {
      const putFile = (fileId: string) =>
        as(acmeUser, 'POST', '/commands', {
          targets: { machines: [acme.machines[0]] },
          type: 'put-file',
          params: { fileId, path: '/tmp/plan.txt', size: 0, sha256: '0'.repeat(64) },
        });
      const theirs = globex.files[0] as string;
      const hidden = await putFile(theirs);
      const missing = await putFile(UNKNOWN_HEX);
      assert.equal(missing.status, 404, missing.text);
      assert.equal(hidden.status, 404, hidden.text);
      assert.equal(hidden.text.replaceAll(theirs, '<id>'), missing.text.replaceAll(UNKNOWN_HEX, '<id>'));
      const own = await putFile(acme.files[0] as string);
      assert.equal(own.status, 201, own.text);
      const queued = await as(master, 'GET', '/commands?type=put-file');
      assert.equal(queued.body.items.length, 1, queued.text);
      assert.equal(queued.body.items[0].id, own.body.items[0].id);
      // The size and hash signed into the command are the server's, not the caller's zeros.
      assert.equal(queued.body.items[0].params.size, 'plan of acme'.length);
    });

    test('put-file needs files.read', async () => {
      const token = await scopedUserToken(
        server.server.httpUrl,
        master,
        'dave',
        [{ kind: 'organization', id: 'acme', include: true }],
        PERMISSIONS.filter((p) => p !== 'files.read'),
      );
      const answer = await as(token, 'POST', '/commands', {
        targets: { machines: [acme.machines[0]] },
        type: 'put-file',
        params: { fileId: acme.files[0], path: '/tmp/plan.txt', size: 0, sha256: '0'.repeat(64) },
      });
      assert.equal(answer.status, 403, answer.text);
      assert.match(answer.body.error.message, /files\.read/);
    });

    test('the /events stream carries acme changes and none of globex', async () => {
      const stream = await openEvents(server.server.httpUrl, acmeUser);
      try {
        const queue = async (machine: string) => {
          const made = await as(master, 'POST', '/commands', {
            targets: { machines: [machine] },
            type: 'audit',
            params: {},
          });
          assert.equal(made.status, 201, made.text);
          const id = made.body.items[0].id as string;
          assert.equal((await as(master, 'POST', `/commands/${id}/cancel`)).status, 200);
          return id;
        };
        const globexCommand = await queue(globex.machines[0] as string);
        const acmeCommand = await queue(acme.machines[0] as string);
        // Events leave the hub in order, so globex's, had they passed, are read before this one.
        await stream.until((d) => d.id === acmeCommand && d.status === 'canceled');
        const seen = stream.events.map((e) => e.data);
        assert.ok(seen.some((d) => d.id === acmeCommand && d.status === 'pending'));
        assert.ok(!seen.some((d) => d.id === globexCommand));
        assert.deepEqual(foreign({ text: JSON.stringify(seen) }, globexSecrets), []);
      } finally {
        stream.close();
      }
    });

    test('the /events stream carries check-ins of acme agents and none of globex agents', async () => {
      // Real agent connections (the agent's own connection code), one per organization.
      const agentOf = async (group: string, hostName: string) => {
        const made = await as(master, 'POST', '/install-tokens', { group, machineName: hostName });
        assert.equal(made.status, 201, made.text);
        return connectAgent({
          address: { host: '127.0.0.1', port: server.server.agentPorts[0] as number },
          key: generateAgentKey(),
          pinnedServerId: null,
          enrollToken: made.body.token as string,
          hostName,
          hardwareId: `hw-${hostName}`,
          agentVersion: 'leak-test',
          timeoutMs: 10_000,
        });
      };
      const globexAgent = await agentOf('agents.globex', 'gagent');
      // In lab.acme, which the exclusion test below leaves out: it adds no machine that test sees.
      const acmeAgent = await agentOf('lab.acme', 'aagent');
      const stream = await openEvents(server.server.httpUrl, acmeUser);
      try {
        const checkin: AgentMessage['checkin'] = {
          t: 'checkin',
          loggedOnUser: null,
          userIdleSeconds: 0,
          localAddresses: [],
          agentVersion: 'x',
        };
        globexAgent.send(checkin);
        acmeAgent.send(checkin);
        // Check-ins leave the hub in the order they arrive; globex's went first.
        await stream.until((d) => d.machineId === 'aagent.lab.acme');
        const seen = stream.events.filter((e) => e.event === 'checkin').map((e) => e.data.machineId);
        assert.ok(seen.length > 0);
        assert.ok(!seen.includes('gagent.agents.globex'), JSON.stringify(seen));
      } finally {
        stream.close();
        globexAgent.close();
        acmeAgent.close();
      }
    });

    test('a user of acme without lab.acme sees no machine, notification or token of lab.acme', async () => {
      const token = await scopedUserToken(server.server.httpUrl, master, 'bob', [
        { kind: 'organization', id: 'acme', include: true },
        { kind: 'group', id: 'lab.acme', include: false },
      ]);
      const machines = await as(token, 'GET', '/machines');
      const ids = (machines.body.items as Array<{ id: string }>).map((m) => m.id).sort();
      assert.deepEqual(ids, ['m1.web.acme', 'm2.web.acme']);
      assert.equal((await as(token, 'GET', '/machines/m3.lab.acme')).status, 404);
      const notes = await as(token, 'GET', '/notifications');
      assert.equal(notes.body.items.length, 2, notes.text);
      assert.ok(!notes.text.includes('lab.acme'));
      const tokens = await as(token, 'GET', '/install-tokens');
      const groups = (tokens.body.items as Array<{ group: string }>).map((t) => t.group);
      assert.deepEqual(groups, ['web.acme', 'web.acme']);
    });

    test('a user without machines.view is refused the machine list (403)', async () => {
      const token = await scopedUserToken(
        server.server.httpUrl,
        master,
        'carol',
        [{ kind: 'organization', id: 'acme', include: true }],
        PERMISSIONS.filter((p) => p !== 'machines.view'),
      );
      const answer: RawAnswer = await as(token, 'GET', '/machines');
      assert.equal(answer.status, 403, answer.text);
      assert.equal(answer.body.error.code, 'forbidden');
    });
  });
}

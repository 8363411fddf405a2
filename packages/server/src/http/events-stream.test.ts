import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type AgentConnection, connectAgent, generateAgentKey } from '@muster/agent';
import type { AgentMessage, Inventory } from '@muster/protocol';
import { testCheckin } from '../test-support/agent-connect';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';
import {
  type EventStreamReader,
  machineEvent,
  openEventStream,
  type ReadEvent,
} from '../test-support/event-stream';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres';
import { callApi, scopedUserToken } from '../test-support/two-organizations';

// The live events of issue 10 on one server node, through real agent connections (the agent's
// own connection code) and a real event stream: machines going online and offline, suspended,
// resumed and deleted, their rows changing with check-ins, audits and confirmed settings, and a
// local server's replication progress; each only to users whose scope holds the machine.

const INVENTORY: Inventory = {
  hostName: 'host',
  os: { platform: 'linux', release: '6.1', version: '#1', arch: 'x64' },
  cpu: { model: 'test cpu', cores: 4 },
  memoryBytes: 8 * 1024 ** 3,
  disks: [],
  networkInterfaces: [],
  hardwareId: 'hw',
};

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`live events on GET /events (${backend})`, () => {
    let server: TestApiServer;
    let database: TestPostgresDatabase | undefined;
    let master = '';
    let acmeUser = '';
    const agents: AgentConnection[] = [];
    const api = (method: string, path: string, body?: unknown) =>
      callApi(server.server.httpUrl, master, method, path, body);
    const stream = (token: string) =>
      openEventStream(server.server.httpUrl, { authorization: `Bearer ${token}` });

    /** Enrolls and connects an agent as `name.group`, as a real agent's connection does. */
    const agentOf = async (group: string, name: string) => {
      const made = await api('POST', '/install-tokens', { group, machineName: name });
      assert.equal(made.status, 201, made.text);
      const agent = await connectAgent({
        address: { host: '127.0.0.1', port: server.server.agentPorts[0] as number },
        key: generateAgentKey(),
        pinnedServerId: null,
        enrollToken: made.body.token as string,
        hostName: name,
        hardwareId: `hw-${name}`,
        agentVersion: 'events-test',
        timeoutMs: 10_000,
      });
      agents.push(agent);
      return agent;
    };

    before(async () => {
      database = backend === 'postgres' ? await createTestPostgresDatabase() : undefined;
      server = await startTestApiServer(
        {
          ...(database ? { databaseUrl: database.url } : {}),
          // A local server whose agent has not reported for 2 s is inactive; looked at often.
          replicationReportStaleSeconds: 2,
          replicationWatchMs: 100,
        },
        { listen: true },
      );
      master = readFileSync(server.server.adminTokenFile, 'utf8').trim();
      // An install token makes its group and organization, which a scope must name.
      for (const group of ['web.acme', 'web.globex'])
        assert.equal((await api('POST', '/install-tokens', { group })).status, 201);
      acmeUser = await scopedUserToken(server.server.httpUrl, master, 'alice', [
        { kind: 'organization', id: 'acme', include: true },
      ]);
    });
    after(async () => {
      for (const agent of agents) agent.close();
      await server?.close();
      await database?.drop();
    });

    it("a user of acme sees its machine come online and go offline, and nothing of globex's", async () => {
      const own = await stream(acmeUser);
      const all = await stream(master);
      try {
        const globex = await agentOf('web.globex', 'g1');
        const acme = await agentOf('web.acme', 'a1');
        const online = await own.next('a1 online', machineEvent('a1.web.acme', 'connected'));
        assert.equal(online.data.status, 'online-awaiting-audit');
        assert.equal(online.data.machine.online, true);
        assert.equal(online.data.machine.connectedFrom, '127.0.0.1');
        // globex's agent went first and went offline first: had its events passed the scope,
        // they would be read before acme's.
        globex.close();
        await all.next('g1 offline (master)', machineEvent('g1.web.globex', 'disconnected'));
        acme.close();
        const offline = await own.next('a1 offline', machineEvent('a1.web.acme', 'disconnected'));
        assert.equal(offline.data.status, 'offline');
        assert.deepEqual(
          { online: offline.data.machine.online, loggedOnUser: offline.data.machine.loggedOnUser },
          { online: false, loggedOnUser: null },
        );
        assert.ok(Number.isFinite(Date.parse(offline.data.at)));
        await all.next('a1 offline (master)', machineEvent('a1.web.acme', 'disconnected'));
        assert.ok(
          all.events.some((e) => e.data.machineId === 'g1.web.globex' && e.data.change === 'connected'),
          'the master sees globex come online',
        );
        assert.deepEqual(
          own.events.filter((e) => JSON.stringify(e.data).includes('globex')),
          [],
          'nothing of globex reaches acme',
        );
        // The list agrees once the coalesced session end is written (within a second).
        const deadline = Date.now() + 3000;
        for (;;) {
          const shown = await api('GET', '/machines/a1.web.acme');
          if (shown.body.online === false) break;
          assert.ok(Date.now() < deadline, `the list shows a1 offline: ${shown.text}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        own.close();
        all.close();
      }
    });

    it('check-ins, audits and confirmed settings change the row live; suspend, resume and delete too', async () => {
      const agent = await agentOf('lab.acme', 'a2');
      const id = 'a2.lab.acme';
      const own = await stream(acmeUser);
      try {
        let revision = -1;
        agent.on({
          command: (m) => {
            if (m.type === 'update-checkin-control') revision = Number(m.params.revision);
          },
        });
        // A check-in in the window of the connection would be part of the `connected` event.
        await own.next('a2 online', machineEvent(id, 'connected'));
        agent.send(testCheckin('ann'));
        const user = await own.next('a new user', (e) => machineEvent(id, 'checked-in')(e));
        assert.equal(user.data.machine.loggedOnUser, 'ann');
        assert.equal(user.data.status, 'online-awaiting-audit');
        // The same check-in again changes nothing the row shows: no event for it.
        agent.send(testCheckin('ann'));
        agent.send({ t: 'audit', inventory: INVENTORY });
        const audited = await own.next('audited', machineEvent(id, 'audited'));
        assert.equal(audited.data.status, 'user-logged-on');
        assert.equal(own.events.filter(machineEvent(id, 'checked-in')).length, 1);

        const put = await api('PUT', '/checkin-control', { machines: [id], settings: { periodSeconds: 45 } });
        assert.equal(put.status, 200, put.text);
        assert.equal((await api('GET', `/machines/${id}`)).body.settingsApplied, false);
        while (revision < 0) await new Promise((resolve) => setTimeout(resolve, 10));
        agent.send({ t: 'settings-applied', revision });
        const applied = await own.next('settings applied', machineEvent(id, 'settings-applied'));
        assert.equal(applied.data.machine.settingsApplied, true);
        assert.deepEqual(applied.data.machine.pendingSettings, []);

        assert.equal((await api('POST', `/machines/${id}/suspend`)).status, 200);
        const suspended = await own.next('suspended', machineEvent(id, 'suspended'));
        assert.equal(suspended.data.status, 'suspended');
        assert.equal(suspended.data.machine.suspended, true);
        assert.equal((await api('POST', `/machines/${id}/resume`)).status, 200);
        const resumed = await own.next('resumed', machineEvent(id, 'resumed'));
        assert.equal(resumed.data.status, 'user-logged-on');

        assert.equal((await api('DELETE', `/machines/${id}`)).status, 200);
        const removed = await own.next('removed', machineEvent(id, 'removed'));
        assert.deepEqual(
          { status: removed.data.status, machine: removed.data.machine },
          { status: 'deleted', machine: null },
        );
        // Its session closes with the removal; a deleted machine has no offline event after.
        await new Promise((resolve) => setTimeout(resolve, 600));
        assert.deepEqual(own.events.filter(machineEvent(id, 'disconnected')), []);
      } finally {
        own.close();
      }
    });

    it("a local server's reports reach its organization's users as replication events, throttled, and its turning inactive too", async () => {
      const offsiteAgent = await agentOf('rep.acme', 'off');
      const localAgent = await agentOf('rep.acme', 'loc');
      const offsite = await api('POST', '/offsite-servers', {
        machineId: 'off.rep.acme',
        host: 'offsite.acme.example',
        port: 5722,
        directory: '/srv/offsite',
      });
      assert.equal(offsite.status, 201, offsite.text);
      const local = await api('POST', '/local-servers', {
        machineId: 'loc.rep.acme',
        directory: '/srv/images',
        offsiteServerId: offsite.body.id,
      });
      assert.equal(local.status, 201, local.text);
      const localId = local.body.id as string;
      const own = await stream(acmeUser);
      const globexUser = await scopedUserToken(server.server.httpUrl, master, 'gary', [
        { kind: 'organization', id: 'globex', include: true },
      ]);
      const other = await stream(globexUser);
      try {
        const report = (bytesRemaining: number, state: string): AgentMessage['replication-status'] => ({
          t: 'replication-status',
          role: 'local-server',
          id: localId,
          running: true,
          error: null,
          state,
          active: true,
          lastContactAt: Date.now(),
          lastTransferAt: null,
          bytesRemaining,
          rateBytesPerSecond: 1000,
          etaSeconds: bytesRemaining / 1000,
          nextRunAt: null,
          lastPass: null,
        });
        // Another machine's agent cannot report for this local server: ignored, no event.
        offsiteAgent.send(report(123, 'transferring'));
        localAgent.send(report(5000, 'transferring'));
        // (The watch may have found it inactive before any report: an event with state unknown.)
        const reported = (e: ReadEvent) =>
          e.event === 'replication' && e.data.localServer.state !== 'unknown';
        const first = await own.next('progress', reported);
        assert.deepEqual(
          {
            localServerId: first.data.localServerId,
            machineId: first.data.machineId,
            status: first.data.localServer.status,
            state: first.data.localServer.state,
            bytesRemaining: first.data.localServer.bytesRemaining,
            rate: first.data.localServer.rateBytesPerSecond,
          },
          {
            localServerId: localId,
            machineId: 'loc.rep.acme',
            status: 'active',
            state: 'transferring',
            bytesRemaining: 5000,
            rate: 1000,
          },
        );
        localAgent.send(report(3000, 'transferring'));
        localAgent.send(report(0, 'idle'));
        const last = await own.next(
          'the pass done',
          (e) => e.event === 'replication' && e.data.localServer.state === 'idle',
        );
        // At most one per second: the report in between was replaced by the last one.
        assert.ok(
          last.receivedAt - first.receivedAt >= 900,
          `${last.receivedAt - first.receivedAt} ms apart`,
        );
        assert.deepEqual(
          own.events.filter(reported).map((e) => e.data.localServer.bytesRemaining),
          [5000, 0],
        );
        assert.equal((await api('GET', `/local-servers/${localId}`)).body.bytesRemaining, 0);
        // The agent reports no more (offline, role stopped): the watch turns it inactive, live.
        const inactive = await own.next(
          'inactive',
          (e) => reported(e) && e.data.localServer.status === 'inactive',
        );
        assert.equal(inactive.data.localServer.state, 'idle', 'the rest is its last report');
        assert.ok(inactive.receivedAt - last.receivedAt >= 900);
        assert.deepEqual(other.events, [], 'a user of globex sees nothing of acme');
      } finally {
        own.close();
        other.close();
      }
    });

    it('the console opens the stream with its session cookie alone (no CSRF header: a GET changes nothing)', async () => {
      const created = await api('POST', '/users', {
        name: 'carol',
        password: 'a long enough password 1',
        grants: [{ role: 'alice-role', scope: 'alice-scope' }],
      });
      assert.equal(created.status, 201, created.text);
      const signIn = await fetch(`${server.server.httpUrl}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'carol', password: 'a long enough password 1' }),
      });
      assert.equal(signIn.status, 201);
      const cookie = /muster_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')?.[0];
      assert.ok(cookie);
      const viaCookie: EventStreamReader = await openEventStream(server.server.httpUrl, { cookie });
      try {
        assert.equal(viaCookie.status, 200);
        assert.match(viaCookie.contentType, /^text\/event-stream/);
        const agent = await agentOf('web.acme', 'a3');
        await viaCookie.next('a3 online', machineEvent('a3.web.acme', 'connected'));
        agent.close();
        await viaCookie.next('a3 offline', machineEvent('a3.web.acme', 'disconnected'));
      } finally {
        viaCookie.close();
      }
      const without = await openEventStream(server.server.httpUrl, {});
      assert.equal(without.status, 401);
    });
  });
}

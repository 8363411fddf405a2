import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  agentState,
  cloneState,
  freePort,
  runMuster,
  startAgent,
  TestServer,
  tempDir,
  waitFor,
} from './support/harness';

// Real server and agent processes: enrollment with install tokens, refused tokens, the
// duplicate-account rules, and temporary agents.
describe('enrollment', () => {
  const dir = tempDir('enroll');
  let server: TestServer;
  let port: number;
  const agents: Array<{ stop(): Promise<void> }> = [];

  before(async () => {
    port = await freePort();
    server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      extraArgs: ['--temporary-agent-offline-seconds', '2'],
    });
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await server.stop();
    dir.cleanup();
  });

  it('enrolls an agent with a token; the state directory alone restarts it', async () => {
    const token = await server.installToken({ group: 'web.acme', maxUses: 5 });
    const state = join(dir.path, 'a1');
    let agent = startAgent('a1', { stateDir: state, server: `127.0.0.1:${port}`, token });
    const machineId = await waitFor('enrollment', () => agentState(state).machineId);
    assert.match(machineId, /\.web\.acme$/);
    const m = await server.waitForStatus(machineId, 'online');
    assert.equal(m.audit?.hardwareId, 'hw-a1', 'first audit arrived');
    assert.equal(
      m.checkinControl.primary.port,
      port,
      'settings seeded from the address the agent was installed with',
    );
    await agent.stop();
    await server.waitForStatus(machineId, 'offline');
    agent = startAgent('a1', { stateDir: state });
    agents.push(agent);
    await server.waitForStatus(machineId, 'online');
    assert.equal(
      (await server.machines('*.web.acme')).length,
      1,
      'no second account for the restarted agent',
    );
  });

  it('refuses an expired token and a used-up token with a clear reason, creating nothing', async () => {
    const expired = await server.installToken({ group: 'expired.acme', expiresInSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1200));
    const e = startAgent('exp', {
      stateDir: join(dir.path, 'exp'),
      server: `127.0.0.1:${port}`,
      token: expired,
    });
    agents.push(e);
    await waitFor('expired refusal', () => e.logs('install token has expired').length > 0);
    assert.ok(e.logs('code 4011').length > 0, 'closed with tokenInvalid');

    const once = await server.installToken({ group: 'once.acme', maxUses: 1 });
    const first = startAgent('once1', {
      stateDir: join(dir.path, 'once1'),
      server: `127.0.0.1:${port}`,
      token: once,
    });
    agents.push(first);
    await waitFor('first enrollment', () => agentState(join(dir.path, 'once1')).machineId);
    const second = startAgent('once2', {
      stateDir: join(dir.path, 'once2'),
      server: `127.0.0.1:${port}`,
      token: once,
    });
    agents.push(second);
    await waitFor('used-up refusal', () => second.logs('install token has no uses left').length > 0);
    assert.equal((await server.machines('*.once.acme')).length, 1);
    assert.equal((await server.machines('*.expired.acme')).length, 0);
  });

  it('a fixed-name token used on two machines: the second is refused and a duplicate-account warning is raised', async () => {
    const token = await server.installToken({ group: 'fixed.acme', machineName: 'pc1', maxUses: 10 });
    assert.equal((await server.machine('pc1.fixed.acme'))?.status, 'never-checked-in');
    const first = startAgent('fixed1', {
      stateDir: join(dir.path, 'fixed1'),
      server: `127.0.0.1:${port}`,
      token,
    });
    agents.push(first);
    await server.waitForStatus('pc1.fixed.acme', 'online');
    const second = startAgent('fixed2', {
      stateDir: join(dir.path, 'fixed2'),
      server: `127.0.0.1:${port}`,
      token,
    });
    agents.push(second);
    await waitFor('account conflict', () => second.logs('code 4015').length > 0);
    const warnings = await waitFor('duplicate-account warning', async () =>
      (await server.notifications('duplicate-account')).filter((n) => n.machineId === 'pc1.fixed.acme'),
    );
    assert.match(warnings[0]?.message ?? '', /hw-fixed2/);
    assert.equal(
      (await server.machine('pc1.fixed.acme'))?.audit?.hardwareId,
      'hw-fixed1',
      'the first agent keeps the account',
    );
  });

  it('a cloned machine (same agent key, another hardware id) is refused while the original is online and reported', async () => {
    const token = await server.installToken({ group: 'clone.acme' });
    const original = join(dir.path, 'orig');
    const a = startAgent('orig', {
      stateDir: original,
      server: `127.0.0.1:${port}`,
      token,
      hardwareId: 'hw-original',
    });
    agents.push(a);
    const id = await waitFor('enrollment', () => agentState(original).machineId);
    await server.waitForStatus(id, 'online');
    const copy = join(dir.path, 'clone');
    cloneState(original, copy);
    const clone = startAgent('clone', { stateDir: copy, hardwareId: 'hw-clone' });
    agents.push(clone);
    await waitFor('clone refused', () => clone.logs('code 4015').length > 0);
    const warnings = await waitFor('clone warning', async () =>
      (await server.notifications('duplicate-account')).filter(
        (n) => n.machineId === id && /cloned/.test(n.message),
      ),
    );
    assert.match(warnings[0]?.message ?? '', /hw-original/);
    assert.equal((await server.machine(id))?.audit?.hardwareId, 'hw-original');
  });

  it('removes a temporary agent after it has been offline longer than the configured time', async () => {
    const token = await server.installToken({ group: 'temp.acme', temporary: true });
    const state = join(dir.path, 'temp');
    const t = startAgent('temp', { stateDir: state, server: `127.0.0.1:${port}`, token });
    const id = await waitFor('enrollment', () => agentState(state).machineId);
    const m = await server.waitForStatus(id, 'online');
    assert.equal(m.temporary, true);
    await t.stop();
    await waitFor('temporary agent removed', async () => (await server.machine(id)) === null, 15_000);
  });

  it('a machine named by its token shows no primary until its agent arrives, then the address it was installed with', async () => {
    const token = await server.installToken({ group: 'named.acme', machineName: 'pc9' });
    const before = await server.machine('pc9.named.acme');
    assert.equal(before?.status, 'never-checked-in');
    assert.equal(before?.checkinControl.primary, null, 'no made-up address such as unset.invalid');
    const state = join(dir.path, 'pc9');
    agents.push(startAgent('pc9', { stateDir: state, server: `localhost:${port}`, token }));
    const m = await server.waitForStatus('pc9.named.acme', 'online');
    assert.deepEqual(m.checkinControl.primary, { host: 'localhost', port }, '--server localhost is accepted');
  });

  it('refuses a URL, a secondary equal to the primary, an unknown log level, and an address that is not an agent port, saying what is wrong', async () => {
    const token = await server.installToken({ group: 'typo.acme' });
    const url = runMuster('agent:url', [
      'agent',
      '--server',
      `https://127.0.0.1:${port}`,
      '--token',
      token,
      '--state',
      join(dir.path, 'typo-url'),
    ]);
    assert.equal(await url.wait(), 2);
    assert.match(url.output(), /give host:port without "https:\/\/"/);

    const twin = runMuster('agent:twin', [
      'agent',
      '--server',
      `127.0.0.1:${port}`,
      '--secondary',
      `127.0.0.1:${port}`,
      '--token',
      token,
      '--state',
      join(dir.path, 'typo-twin'),
    ]);
    assert.equal(await twin.wait(), 2);
    assert.match(twin.output(), /the secondary server 127\.0\.0\.1:\d+ is the primary itself/);

    // A log level the agent's log does not know (the agent logs without pino, so it checks
    // the names itself): exit 2 naming the known ones, before any state is written.
    const loud = runMuster('agent:log-level', [
      'agent',
      '--server',
      `127.0.0.1:${port}`,
      '--token',
      token,
      '--log-level',
      'loud',
      '--state',
      join(dir.path, 'typo-level'),
    ]);
    assert.equal(await loud.wait(), 2);
    assert.match(
      loud.output(),
      /--log-level must be one of trace, debug, info, warn, error, fatal, silent, not "loud"/,
    );
    assert.equal(existsSync(join(dir.path, 'typo-level')), false, 'no state directory was made');

    // The API port speaks plain HTTP: the agent says so instead of an OpenSSL error.
    const apiPort = server.options.httpPort;
    const wrong = startAgent('typo-port', {
      stateDir: join(dir.path, 'typo-port'),
      server: `127.0.0.1:${apiPort}`,
      token,
    });
    agents.push(wrong);
    const [line] = await waitFor('the error', () => wrong.logs('is not a Muster agent port'));
    assert.equal(line?.level, 50, 'logged as an error: retrying cannot fix it');
    assert.match(String(line?.msg), /Give the agent port \(5721 by default/);
    assert.doesNotMatch(wrong.output(), /wrong version number|SSL routines/);
  });

  it('an agent the server does not know is told how to re-enroll; --token with its state directory re-enrolls it with a new key', async () => {
    const agentPort = await freePort();
    const first = await TestServer.start({ dataDir: join(dir.path, 'forgetful-1'), agentPorts: [agentPort] });
    const state = join(dir.path, 'forgotten');
    const token1 = await first.installToken({ group: 'lost.acme' });
    let agent = startAgent('forgotten', { stateDir: state, server: `127.0.0.1:${agentPort}`, token: token1 });
    const oldId = await waitFor('enrollment', () => agentState(state).machineId);
    await first.waitForStatus(oldId, 'online');
    const oldKey = readFileSync(join(state, 'agent-key.pem'), 'utf8');
    await agent.stop();
    await first.stop();

    // The same address, but a server whose data does not hold this agent (reset, or removed).
    const second = await TestServer.start({
      dataDir: join(dir.path, 'forgetful-2'),
      agentPorts: [agentPort],
    });
    try {
      agent = startAgent('forgotten', { stateDir: state });
      const [refused] = await waitFor('the refusal', () => agent.logs('does not know this agent'));
      assert.equal(refused?.level, 50);
      assert.match(String(refused?.msg), /muster agent --token TOKEN --state <this state directory>/);
      assert.match(String(refused?.msg), /new key/);
      await agent.stop();

      const token2 = await second.installToken({ group: 'found.acme' });
      agent = startAgent('forgotten', { stateDir: state, token: token2 });
      const newId = await waitFor('re-enrollment', () => {
        const id = agentState(state).machineId;
        return id?.endsWith('.found.acme') ? id : null;
      });
      await second.waitForStatus(newId, 'online');
      assert.notEqual(readFileSync(join(state, 'agent-key.pem'), 'utf8'), oldKey, 'a new key');
      assert.equal(agent.logs('enrolling again with the install token and a new key').length, 1);
      await agent.stop();
    } finally {
      await agent.stop();
      await second.stop();
    }
  });
});

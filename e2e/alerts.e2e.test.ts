import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type SmtpPeer, startSmtpPeer } from '../packages/server/src/test-support/smtp-peer';
import { agentState, freePort, type Proc, startAgent, TestServer, tempDir, waitFor } from './support/harness';

interface AlertJson {
  id: string;
  machineId: string;
  state: 'firing' | 'resolved';
  condition: string;
  resolvedAt: string | null;
}

// Alerts end to end: a real `muster server` process, real `muster agent` processes and a real
// SMTP server (smtp-server) that offers STARTTLS with its own certificate and takes mail only
// from an authenticated, encrypted session. The server is told to trust that certificate
// (MUSTER_SMTP_CA_FILE) and to evaluate often, so a rule of 0 minutes fires at the next tick.
describe('alerts by mail', () => {
  const dir = tempDir('alerts');
  const stops: Array<() => Promise<void>> = [];
  let smtp: SmtpPeer;
  after(async () => {
    for (const stop of stops.reverse()) await stop();
    dir.cleanup();
  });

  const mailsAbout = (machineId: string, kind: 'ALERT' | 'RESOLVED') =>
    smtp.received.filter((m) => m.subject.startsWith(`[Muster] ${kind}: ${machineId}:`));

  it('mails an offline alert over STARTTLS with AUTH, resolves it when the agent returns, and a window suppresses it', async () => {
    smtp = await startSmtpPeer('muster-alerts', 'a smtp password');
    stops.push(() => smtp.close());
    const caFile = join(dir.path, 'smtp-ca.pem');
    writeFileSync(caFile, smtp.certPem);
    const port = await freePort();
    const server = await TestServer.start({
      dataDir: join(dir.path, 'server'),
      agentPorts: [port],
      env: {
        MUSTER_SMTP_HOST: '127.0.0.1',
        MUSTER_SMTP_PORT: String(smtp.port),
        MUSTER_SMTP_USER: smtp.user,
        MUSTER_SMTP_PASSWORD: smtp.password,
        MUSTER_SMTP_CA_FILE: caFile,
        MUSTER_SMTP_FROM: 'muster@example.com',
        MUSTER_ALERT_EVALUATE_MS: '200',
        MUSTER_ALERT_POLL_MS: '100',
      },
    });
    stops.push(() => server.stop());

    const agents = new Map<string, Proc>();
    const runAgent = (name: string, token?: string) => {
      const proc = startAgent(name, { stateDir: join(dir.path, name), server: `127.0.0.1:${port}`, token });
      agents.set(name, proc);
      stops.push(() => proc.stop());
      return proc;
    };
    runAgent('office1', await server.installToken({ group: 'office.acme' }));
    runAgent('lab1', await server.installToken({ group: 'lab.acme' }));
    const office = await waitFor('office1 enrolled', () => agentState(join(dir.path, 'office1')).machineId);
    const lab = await waitFor('lab1 enrolled', () => agentState(join(dir.path, 'lab1')).machineId);
    await server.waitForStatus(office, 'online');
    await server.waitForStatus(lab, 'online');

    // Bad input gets a clear error and changes nothing.
    const rule = {
      name: 'acme offline',
      group: 'acme',
      condition: 'offline',
      minutes: 0,
      emails: ['ops@example.com'],
    };
    const unknownGroup = await server.api.post('/alert-rules', { ...rule, group: 'nowhere.acme' });
    assert.equal(unknownGroup.status, 404);
    assert.match(JSON.stringify(unknownGroup.body), /no machine group or organization \\"nowhere.acme\\"/);
    const negative = await server.api.post('/alert-rules', { ...rule, minutes: -5 });
    assert.equal(negative.status, 400);
    assert.match(JSON.stringify(negative.body), /minutes/);
    const backwards = await server.api.post('/maintenance-windows', {
      group: 'lab.acme',
      startsAt: new Date(Date.now() + 3600_000).toISOString(),
      endsAt: new Date(Date.now()).toISOString(),
    });
    assert.equal(backwards.status, 400);
    assert.match(JSON.stringify(backwards.body), /must end after it starts/);
    assert.deepEqual((await server.api.get('/alert-rules')).body, { items: [] });
    assert.deepEqual((await server.api.get('/maintenance-windows')).body, { items: [] });

    const created = await server.api.post('/alert-rules', rule);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const window = await server.api.post('/maintenance-windows', {
      group: 'lab.acme',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      reason: 'planned reboot',
    });
    assert.equal(window.status, 201, JSON.stringify(window.body));

    // The lab machine goes offline first, then the office one: the evaluation that fires the
    // office alert reads both machines offline in the same statement, so had the window not
    // suppressed the lab machine, its alert would have fired in that same evaluation.
    await agents.get('lab1')?.stop();
    await server.waitForStatus(lab, 'offline');
    await agents.get('office1')?.stop();
    await server.waitForStatus(office, 'offline');
    const [fired] = await waitFor('the offline alert mail', () => {
      const mails = mailsAbout(office, 'ALERT');
      return mails.length > 0 ? mails : null;
    });
    assert.equal(fired?.secure, true, 'the mail was sent after STARTTLS');
    assert.equal(fired?.user, smtp.user, 'by the authenticated user');
    assert.deepEqual(fired?.to, ['ops@example.com']);
    assert.equal(fired?.from, 'muster@example.com');
    assert.match(fired?.raw ?? '', /has been offline for more than 0 minute/);
    const firing = (await server.api.get('/alerts?state=firing')).body as { items: AlertJson[] };
    assert.deepEqual(
      firing.items.map((a) => [a.machineId, a.state, a.condition]),
      [[office, 'firing', 'offline']],
      'the lab machine in its maintenance window has no alert',
    );
    assert.equal(mailsAbout(lab, 'ALERT').length, 0);

    // The agent comes back: the alert resolves, with a second mail, and it fired only once.
    runAgent('office1');
    await server.waitForStatus(office, 'online');
    await waitFor('the resolved mail', () => mailsAbout(office, 'RESOLVED').length > 0);
    assert.equal(mailsAbout(office, 'ALERT').length, 1, 'the alert fired once');
    const all = (await server.api.get('/alerts')).body as { items: AlertJson[] };
    assert.deepEqual(
      all.items.map((a) => [a.machineId, a.state]),
      [[office, 'resolved']],
    );
    assert.notEqual(all.items[0]?.resolvedAt, null);

    // Ending the window early lets the lab machine's alert fire.
    const ended = await server.api.request(
      'DELETE',
      `/maintenance-windows/${(window.body as { id: string }).id}`,
    );
    assert.equal(ended.status, 204);
    await waitFor('the lab alert mail once the window ended', () => mailsAbout(lab, 'ALERT').length > 0);
    assert.equal(smtp.refusedLogins, 0);
  });
});

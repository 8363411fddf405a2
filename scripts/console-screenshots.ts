// Takes the README's screenshots of every console page at 1280×800 into docs/screenshots/:
// a real server, real agent processes (one with a user logged on, one suspended, one stopped),
// an offsite/local server pair that has replicated, commands with output, and alerts.
// Run: npm run screenshots (after `npm run build -w @muster/console`); name shots to take only
// those (`npm run screenshots -- alerts enroll`), so the others' files stay as they are.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsoleTab, DESKTOP, launchChromium } from '../e2e/browser/support/chromium';
import { startConsoleServer } from '../e2e/browser/support/console-server';
import { type EnrolledAgent, startEnrolledAgent } from '../e2e/browser/support/machine-agents';
import { freePort, tempDir, waitFor } from '../e2e/support/harness';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const PASSWORD = 'screenshot password 1';
const SHOTS = [
  'sign-in',
  'machines',
  'checkin-control',
  'machine',
  'devices',
  'offsite-servers',
  'alerts',
  'enroll',
  'administration',
  'audit',
  'account',
];
const only = process.argv.slice(2);
const unknown = only.filter((name) => !SHOTS.includes(name));
if (unknown.length > 0) throw new Error(`no screenshot ${unknown.join(', ')}; there are ${SHOTS.join(', ')}`);
const wanted = (name: string) => only.length === 0 || only.includes(name);

const dir = tempDir('muster-screens-');
// The Enroll page shows the install command only when the server has an agent build to serve:
// the repository's own (npm run build:agent) if there is one, else a stand-in of the right form.
const repositoryBuild = fileURLToPath(new URL('../dist/agent/manifest.json', import.meta.url));
const env: NodeJS.ProcessEnv = { MUSTER_ALERT_EVALUATE_MS: '1000' };
if (!existsSync(repositoryBuild)) {
  const builds = join(dir.path, 'agent-build');
  mkdirSync(builds);
  const body = Buffer.from('stand-in for the agent executable\n');
  writeFileSync(join(builds, 'muster-agent-linux-x64'), body);
  const sha256 = createHash('sha256').update(body).digest('hex');
  writeFileSync(
    join(builds, 'manifest.json'),
    JSON.stringify({
      file: 'muster-agent-linux-x64',
      platform: 'linux-x64',
      version: '0.1.0',
      size: body.length,
      sha256,
    }),
  );
  env.MUSTER_AGENT_BUILD_DIR = builds;
}
const site = await startConsoleServer([], env);
const browser = await launchChromium();
const agents: EnrolledAgent[] = [];
try {
  const api = site.server.api;
  await site.createUser('olivia', PASSWORD, [{ role: 'master', scope: 'master' }]);
  const probe = join(dir.path, 'user.json');
  writeFileSync(probe, JSON.stringify({ user: 'jsmith', idleSeconds: 12 }));
  agents.push(
    await startEnrolledAgent(site, dir.path, 'reception-pc', 'hq.acme', probe),
    await startEnrolledAgent(site, dir.path, 'backup01', 'hq.acme'),
    await startEnrolledAgent(site, dir.path, 'offsite01', 'dc.acme'),
    await startEnrolledAgent(site, dir.path, 'laptop-7', 'sales.globex'),
    await startEnrolledAgent(site, dir.path, 'kiosk-2', 'sales.globex'),
  );
  const [reception, backup, offsite, laptop, kiosk] = agents as [
    EnrolledAgent,
    EnrolledAgent,
    EnrolledAgent,
    EnrolledAgent,
    EnrolledAgent,
  ];
  await api.post(`/machines/${laptop.id}/suspend`);
  await kiosk.proc.stop('SIGKILL');
  await site.server.waitForStatus(kiosk.id, 'offline', 60_000);

  // A script with output, and a check-in control change still pending on a stopped agent.
  await api.post('/commands', {
    targets: { machines: [reception.id] },
    type: 'shell',
    params: { script: 'uname -sr; df -h / | tail -1' },
  });
  await api.put('/checkin-control', { filter: kiosk.id, periodSeconds: 300 });

  // An offsite server and a local server that has sent its folder once.
  const backups = join(dir.path, 'backups');
  mkdirSync(join(backups, 'full'), { recursive: true });
  writeFileSync(join(backups, 'full', 'full.img'), Buffer.alloc(4 * 1024 * 1024, 7));
  const created = await api.post('/offsite-servers', {
    machineId: offsite.id,
    host: '127.0.0.1',
    port: await freePort(),
    directory: join(dir.path, 'offsite-root'),
    syntheticFull: true,
  });
  const offsiteId = (created.body as { id: string }).id;
  await api.post('/local-servers', { machineId: backup.id, directory: backups, offsiteServerId: offsiteId });
  await waitFor(
    'a replication pass',
    async () => {
      const items = (
        (await api.get('/local-servers')).body as { items: Array<{ lastTransferAt: string | null }> }
      ).items;
      return items[0]?.lastTransferAt ?? null;
    },
    60_000,
  ).catch(() => console.log('no pass finished; the page shows the pair as it is'));

  /**
   * Alerts to show: the stopped kiosk offline (fired, then resolved when it comes back), a
   * failed command still firing, another rule, and a maintenance window. Run last of the set-up:
   * the kiosk comes back, which the check-in control shot must not see.
   */
  const raiseAlerts = async () => {
    const rule = async (body: Record<string, unknown>) => {
      const answer = await api.post('/alert-rules', body);
      if (answer.status !== 201) throw new Error(`alert rule: ${JSON.stringify(answer.body)}`);
    };
    type AlertJson = { machineId: string; state: string; condition: string };
    const alerts = async () => ((await api.get('/alerts')).body as { items: AlertJson[] }).items;
    await rule({
      name: 'Machine down',
      group: 'globex',
      condition: 'offline',
      minutes: 0,
      emails: ['oncall@globex.example'],
    });
    await rule({ name: 'Failed procedures', group: 'acme', condition: 'command-failed', webhook: true });
    await rule({ name: 'Never checked in', group: 'acme', condition: 'never-checked-in', minutes: 60 });
    await waitFor('the kiosk offline alert', async () =>
      (await alerts()).some((a) => a.machineId === kiosk.id && a.state === 'firing'),
    );
    kiosk.restart();
    await waitFor(
      'the kiosk alert resolved',
      async () => (await alerts()).some((a) => a.machineId === kiosk.id && a.state === 'resolved'),
      60_000,
    );
    await api.post('/commands', {
      targets: { machines: [backup.id] },
      type: 'shell',
      params: { script: 'echo "disk full" >&2; exit 3' },
    });
    await waitFor('the failed command alert', async () =>
      (await alerts()).some((a) => a.condition === 'command-failed' && a.state === 'firing'),
    );
    const now = Date.now();
    await api.post('/maintenance-windows', {
      group: 'hq.acme',
      startsAt: new Date(now + 3600_000).toISOString(),
      endsAt: new Date(now + 3 * 3600_000).toISOString(),
      reason: 'Monthly patching',
    });
    await api.post('/maintenance-windows', {
      machine: laptop.id,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 86400_000).toISOString(),
      reason: 'Travelling, suspended',
    });
  };
  const tab = await ConsoleTab.open(browser, site.baseUrl, DESKTOP);
  const shoot = async (name: string, path: string) => {
    if (!wanted(name)) return;
    await tab.page.goto(path);
    await tab.page.waitForLoadState('networkidle');
    await tab.page.waitForTimeout(300);
    await tab.page.screenshot({ path: join(OUT, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  };
  if (wanted('sign-in')) await tab.page.screenshot({ path: join(OUT, 'sign-in.png') });
  await tab.signIn('olivia', PASSWORD);
  await shoot('machines', '/machines');
  await shoot('checkin-control', '/checkin-control');
  await shoot('machine', `/machines/${encodeURIComponent(reception.id)}`);
  await shoot('devices', '/devices');
  await shoot('offsite-servers', '/replication');
  if (wanted('alerts')) await raiseAlerts();
  await shoot('alerts', '/alerts');
  if (wanted('enroll')) {
    // A new token, as the page shows it with its install command.
    await tab.page.goto('/enroll');
    await tab.page.getByLabel('Machine group').fill('hq.acme');
    await tab.page.getByLabel('Max uses').fill('25');
    await tab.page.getByRole('button', { name: 'Create install token' }).click();
    await tab.page.getByLabel('Install command (linux with systemd)').waitFor();
    await tab.page.waitForTimeout(300);
    await tab.page.screenshot({ path: join(OUT, 'enroll.png') });
    console.log('docs/screenshots/enroll.png');
  }
  await shoot('administration', '/admin');
  await shoot('audit', '/admin/audit');
  await shoot('account', '/account');
  tab.assertClean();
  await tab.close();
} finally {
  // Agents outlive a server that stops (they retry), and would keep this script running.
  await Promise.all(agents.map((a) => a.proc.stop()));
  await browser.close();
  await site.close();
  dir.cleanup();
}

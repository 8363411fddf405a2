// Takes the README's screenshots of every console page at 1280×800 into docs/screenshots/:
// a real server, real agent processes (one with a user logged on, one suspended, one stopped),
// an offsite/local server pair that has replicated, and commands with output.
// Run: npm run screenshots (after `npm run build -w @muster/console`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsoleTab, DESKTOP, launchChromium } from '../e2e/browser/support/chromium';
import { startConsoleServer } from '../e2e/browser/support/console-server';
import { startEnrolledAgent } from '../e2e/browser/support/machine-agents';
import { freePort, tempDir, waitFor } from '../e2e/support/harness';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const PASSWORD = 'screenshot password 1';

const site = await startConsoleServer();
const dir = tempDir('muster-screens-');
const browser = await launchChromium();
try {
  const api = site.server.api;
  await site.createUser('olivia', PASSWORD, [{ role: 'master', scope: 'master' }]);
  const probe = join(dir.path, 'user.json');
  writeFileSync(probe, JSON.stringify({ user: 'jsmith', idleSeconds: 12 }));
  const agents = [
    await startEnrolledAgent(site, dir.path, 'reception-pc', 'hq.acme', probe),
    await startEnrolledAgent(site, dir.path, 'backup01', 'hq.acme'),
    await startEnrolledAgent(site, dir.path, 'offsite01', 'dc.acme'),
    await startEnrolledAgent(site, dir.path, 'laptop-7', 'sales.globex'),
    await startEnrolledAgent(site, dir.path, 'kiosk-2', 'sales.globex'),
  ];
  const [reception, backup, offsite, laptop, kiosk] = agents as [
    (typeof agents)[0],
    (typeof agents)[0],
    (typeof agents)[0],
    (typeof agents)[0],
    (typeof agents)[0],
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

  const tab = await ConsoleTab.open(browser, site.baseUrl, DESKTOP);
  const shoot = async (name: string, path: string) => {
    await tab.page.goto(path);
    await tab.page.waitForLoadState('networkidle');
    await tab.page.waitForTimeout(300);
    await tab.page.screenshot({ path: join(OUT, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  };
  await tab.page.screenshot({ path: join(OUT, 'sign-in.png') });
  await tab.signIn('olivia', PASSWORD);
  await shoot('machines', '/machines');
  await shoot('checkin-control', '/checkin-control');
  await shoot('machine', `/machines/${encodeURIComponent(reception.id)}`);
  await shoot('devices', '/devices');
  await shoot('offsite-servers', '/replication');
  await shoot('enroll', '/enroll');
  await shoot('administration', '/admin');
  await shoot('audit', '/admin/audit');
  await shoot('account', '/account');
  tab.assertClean();
  await tab.close();
} finally {
  await browser.close();
  await site.close();
  dir.cleanup();
}

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Proc, startAgent, tempDir, waitEnrolled, waitFor } from '../support/harness';
import { ConsoleTab, launchChromium, PHONE } from './support/chromium';
import { type ConsoleServer, startConsoleServer } from './support/console-server';

const PASSWORD = 'correct horse battery';
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A port in the offsite range (1024-49151) that nothing listens on right now. */
async function offsitePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** What the functions sent into the page read (this program is compiled without the DOM types). */
interface BrowserGlobals {
  document: { documentElement: { scrollWidth: number }; activeElement: unknown };
  innerWidth: number;
}

// The Offsite Servers page with two real agents replicating (the offsite machine also holds a
// second local server, as the manual allows with a warning): roles made, edited and deleted
// through the page, a pass's progress shown live and then its completion, and the manual's
// advice when every local server of one offsite server is inactive, for a manager and for a
// user who may only look.
describe('console: Offsite Servers and Local Servers', () => {
  const dir = tempDir('browser-replication');
  const offRoot = join(dir.path, 'offsite-root');
  const localDir = join(dir.path, 'local-server');
  const local2Dir = join(dir.path, 'local-server-2');
  const machineGuid = '6f1c2a9e-1111-4222-8333-444455556666';
  let browser: Browser;
  let site: ConsoleServer;
  let port = 0;
  const agents = new Map<string, Proc>();
  const guids = new Map<string, string>();
  const mirrored = (path: string) => join(offRoot, guids.get('loc') as string, machineGuid, path);
  const sameContent = (path: string) =>
    existsSync(mirrored(path)) && sha(mirrored(path)) === sha(join(localDir, machineGuid, path));

  before(async () => {
    [browser, site] = await Promise.all([
      launchChromium(),
      startConsoleServer([
        '--replication-inactive-seconds',
        '2',
        '--replication-watch-ms',
        '300',
        '--replication-report-stale-seconds',
        '6',
        '--replication-delete-delay-seconds',
        '0',
      ]),
    ]);
    await Promise.all(
      ['off', 'loc'].map(async (name) => {
        const token = await site.server.installToken({ group: 'rep.acme', machineName: name });
        const state = join(dir.path, `agent-${name}`);
        const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${site.agentPort}`, token });
        agents.set(name, agent);
        await waitEnrolled(agent, state, 60_000);
        const machine = await site.server.waitForStatus(`${name}.rep.acme`, 'online', 60_000);
        guids.set(name, machine.guid);
      }),
    );
    // Quick check-ins: the agents report their roles' progress at each one.
    await site.server.api.put('/checkin-control', { filter: '*.rep.acme', settings: { periodSeconds: 1 } });
    await site.createUser('rita', PASSWORD, [{ role: 'master', scope: 'master' }]);
    const role = await site.server.api.post('/roles', {
      name: 'replication-viewer',
      permissions: ['replication.view', 'machines.view'],
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    await site.createUser('vera', PASSWORD, [{ role: 'replication-viewer', scope: 'master' }]);
    mkdirSync(join(localDir, machineGuid), { recursive: true });
    writeFileSync(join(localDir, machineGuid, 'full.img'), randomBytes(6 * 1024 * 1024));
    mkdirSync(join(local2Dir, machineGuid), { recursive: true });
    writeFileSync(join(local2Dir, machineGuid, 'disk.img'), randomBytes(20_000));
    port = await offsitePort();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await site?.close();
    dir.cleanup();
  });

  const openAs = async (name: string, viewport?: { width: number; height: number }) => {
    const tab = await ConsoleTab.open(browser, site.baseUrl, viewport);
    await tab.signIn(name, PASSWORD);
    await tab.page.getByRole('link', { name: 'Offsite Servers' }).click();
    await tab.page.getByRole('heading', { name: 'Offsite Servers and Local Servers' }).waitFor();
    return tab;
  };
  const localRow = (page: Page, machine: string) =>
    page.getByRole('table', { name: 'Local servers' }).getByRole('row').filter({ hasText: machine });
  const offsiteRow = (page: Page) =>
    page.getByRole('table', { name: 'Offsite servers' }).getByRole('row').filter({ hasText: 'off.rep.acme' });

  it('creates an offsite and a local server on the page; the first pass shows its progress, then completes', async () => {
    const tab = await openAs('rita');
    const { page } = tab;
    const offsiteForm = page.getByRole('form', { name: 'Offsite server' });
    // The manual's port range is explained before anything is sent.
    await offsiteForm.getByLabel('Machine ID').fill('off.rep.acme');
    await offsiteForm.getByLabel('Name/IP').fill('127.0.0.1');
    await offsiteForm.getByLabel('Port', { exact: true }).fill('80');
    await offsiteForm.getByLabel(/^Full path to directory/).fill(offRoot);
    await offsiteForm.getByRole('button', { name: 'Create offsite server' }).click();
    assert.match((await offsiteForm.getByRole('alert').textContent()) ?? '', /between 1024 and 49151/);
    await offsiteForm.getByLabel('Port', { exact: true }).fill(String(port));
    await offsiteForm.getByLabel('Synthetic Full Support').check();
    await offsiteForm.getByRole('button', { name: 'Create offsite server' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Created the offsite server on off.rep.acme' })
      .waitFor();
    await offsiteRow(page).getByText('Online', { exact: true }).waitFor({ timeout: 30_000 });
    await offsiteRow(page)
      .getByText(/keeps the newest 7 snapshots/)
      .waitFor();
    await offsiteRow(page)
      .getByRole('img', { name: /^Online/ })
      .waitFor();

    const localForm = page.getByRole('form', { name: 'Local server' });
    await localForm.getByLabel('Machine ID').fill('loc.rep.acme');
    await localForm.getByLabel('Local Server directory').fill(localDir);
    // Yearly: only the pass at start and those asked for run in this test.
    await localForm.getByLabel('Schedule (cron)').fill('0 0 1 1 *');
    await localForm.getByLabel(/^Bandwidth limit/).fill('1024');
    await localForm.getByRole('button', { name: 'Create local server' }).click();

    // 6 MiB at 1 MiB/s: the bar moves while the agent reports, without a reload.
    const bar = localRow(page, 'loc.rep.acme').locator('progress[value]');
    await bar.waitFor({ timeout: 30_000 });
    const [value, max] = await Promise.all([bar.getAttribute('value'), bar.getAttribute('max')]);
    assert.ok(Number(max) > 0 && Number(value) <= Number(max), `progress ${value} of ${max}`);
    assert.match(
      (await localRow(page, 'loc.rep.acme')
        .getByText(/still to send/)
        .textContent()) ?? '',
      /^\d+(\.\d)? (KiB|MiB) still to send$/,
    );
    // Once the agent has measured it, the rate (about the 1 MiB/s limit) and the time left.
    const figures = localRow(page, 'loc.rep.acme').locator('.rep-transfer-figures');
    await figures.filter({ hasText: / left$/ }).waitFor({ timeout: 15_000 });
    assert.match(
      (await figures.textContent()) ?? '',
      /^\d+(\.\d)? (KiB|MiB) still to send · \d+(\.\d)? (KiB|MiB)\/s · (\d+ s|\d+ min \d+ s) left$/,
    );
    const lastPass = localRow(page, 'loc.rep.acme').locator('[data-field="last-pass"]');
    await lastPass.getByText(/^Complete: 1 files, 6\.0 MiB sent/).waitFor({ timeout: 40_000 });
    assert.ok(sameContent('full.img'), 'the image arrived whole at the offsite server');
    await localRow(page, 'loc.rep.acme').getByText('Active', { exact: true }).waitFor();
    assert.notEqual(
      await localRow(page, 'loc.rep.acme').locator('[data-field="last-transfer"]').textContent(),
      'never',
    );
    assert.equal(await localRow(page, 'loc.rep.acme').locator('progress').count(), 0, 'no bar once idle');
    tab.assertClean();
    await tab.close();
  });

  it('edits both through the header forms, and Replicate now sends a new file', async () => {
    const tab = await openAs('rita');
    const { page } = tab;
    // By keyboard: Edit fills the header form and puts the focus in it.
    await page.getByRole('button', { name: 'Edit local server loc.rep.acme' }).press('Enter');
    const localForm = page.getByRole('form', { name: 'Local server' });
    const machineField = localForm.getByLabel('Machine ID');
    assert.equal(await machineField.inputValue(), 'loc.rep.acme', 'the row fills the header');
    await waitFor('the focus in the form', () =>
      machineField.evaluate((el) => el === (globalThis as unknown as BrowserGlobals).document.activeElement),
    );
    await localForm.getByLabel(/^Bandwidth limit/).fill('2048');
    await localForm.getByRole('button', { name: 'Save local server' }).click();
    await localRow(page, 'loc.rep.acme').getByRole('cell', { name: '2048 KB/s' }).waitFor();

    await page.getByRole('button', { name: 'Edit offsite server off.rep.acme' }).click();
    const offsiteForm = page.getByRole('form', { name: 'Offsite server' });
    await offsiteForm.getByLabel('Synthetic Full Support').uncheck();
    await offsiteForm.getByRole('button', { name: 'Save offsite server' }).click();
    await offsiteRow(page)
      .locator('[data-field="synthetic-full"]')
      .getByText('Off', { exact: true })
      .waitFor();
    const stored = (await site.server.api.get('/offsite-servers')).body as {
      items: Array<{ syntheticFull: boolean }>;
    };
    assert.equal(stored.items[0]?.syntheticFull, false);

    // Restarted by the edits, both roles settle; then a new file goes on demand.
    await offsiteRow(page).getByText('Online', { exact: true }).waitFor({ timeout: 30_000 });
    writeFileSync(join(localDir, machineGuid, 'incr.img'), randomBytes(3 * 1024 * 1024));
    await page.getByRole('button', { name: 'Replicate now loc.rep.acme' }).click();
    await page.getByRole('status').filter({ hasText: 'Replicating loc.rep.acme now.' }).waitFor();
    await localRow(page, 'loc.rep.acme')
      .locator('[data-field="last-pass"]')
      .getByText(/^Complete: 1 files, 3\.0 MiB sent/)
      .waitFor({ timeout: 40_000 });
    assert.ok(sameContent('incr.img'));

    // Restart starts the local server afresh, and a restarted local server sends at once.
    const starts = async () =>
      (
        (await site.server.api.get('/machines/loc.rep.acme/commands')).body as {
          items: Array<{ type: string }>;
        }
      ).items.filter((c) => c.type === 'start-local-server').length;
    const startsBefore = await starts();
    writeFileSync(join(localDir, machineGuid, 'after-restart.img'), randomBytes(512 * 1024));
    await page.getByRole('button', { name: 'Restart local server loc.rep.acme' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Restarting the local server on loc.rep.acme.' })
      .waitFor();
    await localRow(page, 'loc.rep.acme')
      .locator('[data-field="last-pass"]')
      .getByText(/^Complete: 1 files, 51\d\.\d KiB sent/)
      .waitFor({ timeout: 40_000 });
    assert.ok(sameContent('after-restart.img'));
    assert.equal(await starts(), startsBefore + 1, 'the restart is one start procedure for the agent');

    // The Machine ID / Group ID filter of the machine pages applies here too.
    await page.getByLabel('Machine ID / Group ID filter').fill('loc.rep.acme');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByText('No offsite server on a machine the filter matches.').waitFor();
    await page.getByText('The filter “loc.rep.acme” hides 1 server of other machines.').waitFor();
    assert.equal(await localRow(page, 'loc.rep.acme').count(), 1);
    await page.getByRole('button', { name: 'Clear filter' }).click();
    await offsiteRow(page).waitFor();
    tab.assertClean();
    await tab.close();
  });

  it("every local server of one offsite server inactive: the manual's advice, with the restart for managers only", async () => {
    const tab = await openAs('rita');
    const { page } = tab;
    const localForm = page.getByRole('form', { name: 'Local server' });
    // A local server on the offsite machine itself: allowed, with the manual's warning.
    await localForm.getByLabel('Machine ID').fill('off.rep.acme');
    await localForm.getByLabel('Local Server directory').fill(local2Dir);
    await localForm.getByLabel('Schedule (cron)').fill('*/2 * * * * *');
    await localForm.getByRole('button', { name: 'Create local server' }).click();
    await page
      .getByRole('list', { name: 'Warnings' })
      .getByText(/no disaster-recovery benefit/)
      .waitFor();
    const localId = (
      (await site.server.api.get('/local-servers')).body as {
        items: Array<{ id: string; machineId: string }>;
      }
    ).items.find((l) => l.machineId === 'loc.rep.acme')?.id;
    // Both try every two seconds, so both notice the offsite server is gone.
    await site.server.api.put(`/local-servers/${localId}`, { schedule: '*/2 * * * * *' });
    await localRow(page, 'off.rep.acme').getByText('Active', { exact: true }).waitFor({ timeout: 30_000 });
    await localRow(page, 'loc.rep.acme').getByText('Active', { exact: true }).waitFor({ timeout: 30_000 });
    assert.equal(
      await page.getByRole('list', { name: 'Replication advice' }).count(),
      0,
      'no advice while all is well',
    );

    // The offsite machine goes: its own local server stops reporting, the other cannot connect.
    await (agents.get('off') as Proc).stop('SIGKILL');
    const advice = page.getByRole('list', { name: 'Replication advice' }).getByRole('listitem');
    await advice
      .filter({
        hasText:
          /All local servers of the offsite server on off\.rep\.acme .* are inactive: restart the offsite server/,
      })
      .waitFor({ timeout: 40_000 });
    await offsiteRow(page)
      .getByRole('img', { name: /^Offline/ })
      .waitFor({ timeout: 20_000 });
    await advice.getByRole('button', { name: 'Restart offsite server off.rep.acme' }).waitFor();

    // Someone who may only look sees the same advice, and no button that would change anything.
    const viewer = await openAs('vera', PHONE);
    await viewer.page
      .getByRole('list', { name: 'Replication advice' })
      .getByText(/restart the offsite server/)
      .waitFor();
    assert.equal(
      await viewer.page.getByRole('button', { name: /Restart|Edit|Delete|Replicate|Create/ }).count(),
      0,
    );
    for (const form of ['Offsite server', 'Local server'])
      assert.equal(await viewer.page.getByRole('form', { name: form }).count(), 0, `no ${form} form`);
    const overflow = await viewer.page.evaluate(() => {
      const w = globalThis as unknown as BrowserGlobals;
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    viewer.assertClean();
    await viewer.close();
    tab.assertClean();
    await tab.close();
  });

  it('deletes through the page: an offsite server in use is refused in the server’s words, then all go', async () => {
    const tab = await openAs('rita');
    const { page } = tab;
    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete offsite server off.rep.acme' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /still has local servers; delete or move them first/ })
      .waitFor();
    for (const machine of ['loc.rep.acme', 'off.rep.acme']) {
      await page.getByRole('button', { name: `Delete local server ${machine}` }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Deleted the local server on ${machine}.` })
        .waitFor();
    }
    await page.getByRole('button', { name: 'Delete offsite server off.rep.acme' }).click();
    await page.getByText('No offsite server yet.').waitFor();
    await page.getByText('No local server yet.').waitFor();
    const [offsites, locals] = await Promise.all([
      site.server.api.get('/offsite-servers'),
      site.server.api.get('/local-servers'),
    ]);
    assert.deepEqual((offsites.body as { items: unknown[] }).items, []);
    assert.deepEqual((locals.body as { items: unknown[] }).items, []);
    tab.assertClean();
    await tab.close();
  });
});

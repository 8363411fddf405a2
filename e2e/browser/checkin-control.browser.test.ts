import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { agentState, startAgent, tempDir, waitFor } from '../support/harness';
import { ConsoleTab, DESKTOP, launchChromium, PHONE } from './support/chromium';
import { type ConsoleServer, startConsoleServer } from './support/console-server';
import { type EnrolledAgent, startEnrolledAgent } from './support/machine-agents';
import {
  assertNoPageOverflow,
  focused,
  markDocument,
  stillSameDocument,
  tabUntil,
  textColor,
} from './support/page-checks';

/** The red of pending values (src/styles.css --red). */
const PENDING_RED = 'rgb(179, 38, 30)';

// The Check-In Control page against a real server and a real agent: a bulk update that reaches
// the agent (pending in red until it confirms, live), a bare computer name refused before
// anything is sent, the group's Check-in Policy clamping a period, the warning switches, and
// the page at phone width.
describe('console: Check-In Control', () => {
  const dir = tempDir('browser-checkin');
  let browser: Browser;
  let site: ConsoleServer;
  let agent: EnrolledAgent;
  /** One signed-in tab for the whole file (signing in costs a password hash each time). */
  let tab: ConsoleTab;

  before(async () => {
    // Both are kept even when the other fails, so `after` closes what did start.
    const [launched, started] = await Promise.allSettled([launchChromium(), startConsoleServer()]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'fulfilled') site = started.value;
    if (launched.status === 'rejected') throw launched.reason;
    if (started.status === 'rejected') throw started.reason;
    await site.createUser('carla', 'correct horse battery', [{ role: 'master', scope: 'master' }]);
    [agent, tab] = await Promise.all([
      startEnrolledAgent(site, dir.path, 'cc1', 'web.acme'),
      ConsoleTab.open(browser, site.baseUrl),
    ]);
    await tab.signIn('carla', 'correct horse battery');
  });
  after(async () => {
    await agent?.proc.stop();
    await tab?.close();
    await browser?.close();
    await site?.close();
    dir.cleanup();
  });

  /** The Check-In Control page, freshly loaded, at a screen size. */
  async function openPage(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
    await tab.page.setViewportSize(viewport);
    await tab.page.goto('/checkin-control');
    await tab.page.getByRole('heading', { name: 'Check-In Control' }).waitFor();
    await row(tab.page, agent.id).waitFor();
    return tab.page;
  }
  const row = (page: Page, id: string) => page.locator(`tr[data-machine="${id}"]`);
  const periodCell = (page: Page, id: string) => row(page, id).locator('td[data-column="periodSeconds"]');

  it('updates a real agent: the period shows pending in red, then applied when the agent confirms, without a reload', async () => {
    const page = await openPage();
    // A marker on the window: a reload would lose it.
    await markDocument(page);

    // Connected: the agent takes the change at once and keeps it.
    await page.getByLabel(`Select ${agent.id}`).check();
    await page.getByLabel('Check-In Period (seconds)').fill('45');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByRole('status').filter({ hasText: 'Updated 1 machine' }).waitFor();
    await waitFor(
      'the agent to keep 45 s',
      () => agentState(agent.stateDir).checkinControl?.periodSeconds === 45,
    );
    await waitFor('the cell to show 45 s applied', async () => {
      const cell = periodCell(page, agent.id);
      return (
        (await cell.textContent()) === '45 s' && !(await cell.getAttribute('class'))?.includes('pending')
      );
    });

    // Offline: the value waits for the agent, in red; done by keyboard alone.
    await agent.proc.stop();
    await site.server.waitForStatus(agent.id, 'offline');
    await tabUntil(page, 'Unselect All', (a) => a.text === 'Unselect All');
    await page.keyboard.press('Enter');
    assert.equal(await page.getByLabel(`Select ${agent.id}`).isChecked(), false);
    await tabUntil(page, 'the row check box', (a) => a.label === `Select ${agent.id}`);
    await page.keyboard.press('Space');
    await tabUntil(page, 'the period field', (a) => a.name === 'periodSeconds', { backwards: true });
    await page.keyboard.type('60');
    await page.keyboard.press('Enter');
    const cell = periodCell(page, agent.id);
    await waitFor('the pending period', async () => (await cell.textContent())?.includes('60 s (pending)'));
    assert.equal(await textColor(cell), PENDING_RED);
    // Only what changed waits: the period is red with what the agent still has; the rest is not.
    assert.match((await cell.textContent()) ?? '', /agent has 45 s/);
    const primary = row(page, agent.id).locator('td[data-column="primary"]');
    assert.notEqual(await textColor(primary), PENDING_RED);
    assert.equal((await site.server.machine(agent.id))?.settingsApplied, false);

    agent.restart();
    await waitFor('the cell to show 60 s applied', async () => (await cell.textContent()) === '60 s', 20_000);
    assert.notEqual(await textColor(cell), PENDING_RED);
    assert.equal(agentState(agent.stateDir).checkinControl?.periodSeconds, 60);
    assert.equal(await stillSameDocument(page), true, 'the page was not reloaded');
    tab.assertClean();
  });

  it("refuses a bare computer name with the manual's reason and sends nothing", async () => {
    const before = await site.server.machine(agent.id);
    const page = await openPage();
    const sent: string[] = [];
    const watch = (r: Request) => {
      if (r.url().includes('/api/v1/checkin-control')) sent.push(r.method());
    };
    page.on('request', watch);
    await page.getByLabel(`Select ${agent.id}`).check();
    await page.getByLabel('Primary KServer').fill('myserver');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByRole('alert').filter({ hasText: 'Nothing was sent' }).waitFor();
    const explanation = page.getByText('“myserver” is a bare computer name');
    await explanation.waitFor();
    assert.match((await explanation.textContent()) ?? '', /NETBIOS.*switched off/s);
    // The cursor is on the field to fix, which names its problem to screen readers.
    assert.equal((await focused(page)).name, 'primaryHost');
    assert.equal(await page.getByLabel('Primary KServer').getAttribute('aria-invalid'), 'true');
    page.off('request', watch);
    assert.deepEqual(sent, [], 'no request was made');
    const now = await site.server.machine(agent.id);
    assert.deepEqual(now?.checkinControl, before?.checkinControl, 'the settings did not change');
    tab.assertClean();
  });

  it("shows the group's Check-in Policy, edits it, and shows the period it clamps", async () => {
    const page = await openPage();
    const policy = page.getByRole('region', { name: 'Check-in Policy' });
    await policy.getByLabel('Machine group').fill('web.acme');
    await policy.getByRole('button', { name: 'Show policy' }).click();
    await policy.getByText('every 1 to 86,400 seconds').waitFor();
    await policy.getByLabel('Minimum period (seconds)').fill('20');
    await policy.getByLabel('Maximum period (seconds)').fill('600');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await policy.getByText('Saved the policy of web.acme').waitFor();
    const stored = await site.server.api.get('/checkin-policy/web.acme');
    assert.deepEqual(stored.body, { group: 'web.acme', minSeconds: 20, maxSeconds: 600 });

    await page.getByLabel(`Select ${agent.id}`).check();
    await page.getByLabel('Check-In Period (seconds)').fill('5');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByText(`${agent.id}: asked 5 s, set to 20 s`).waitFor();
    assert.equal((await site.server.machine(agent.id))?.checkinControl.periodSeconds, 20);
    tab.assertClean();
  });

  it('switches the two warnings; a second agent on one account is listed with what was seen', async () => {
    const page = await openPage();
    const warnings = page.getByRole('region', { name: 'Warnings' });
    const lan = warnings.getByLabel('Warn if agent on same LAN as KServer connects through gateway');
    const duplicate = warnings.getByLabel('Warn if multiple agents use same account');
    assert.equal(await duplicate.isChecked(), true);
    await lan.uncheck();
    await waitFor('the switch stored', async () => {
      const body = (await site.server.api.get('/notification-settings')).body as Record<string, boolean>;
      return body['lan-via-gateway'] === false && body['duplicate-account'] === true;
    });
    assert.equal(await lan.isChecked(), false);
    await warnings.getByText('No warnings.').waitFor();

    // A second agent presents cc1's account (a fixed-name token used on another machine): the
    // server refuses it and raises the duplicate-account warning, which is still switched on.
    const token = await site.server.installToken({ group: 'web.acme', machineName: 'cc1' });
    const twin = startAgent('cc1-twin', {
      stateDir: join(dir.path, 'agent-cc1-twin'),
      server: `127.0.0.1:${site.agentPort}`,
      token,
    });
    try {
      await waitFor('the twin refused', () => twin.logs('code 4015').length > 0, 20_000);
    } finally {
      await twin.stop();
    }
    await waitFor(
      'the warning raised',
      async () => (await site.server.notifications('duplicate-account')).length === 1,
    );
    await warnings.getByRole('button', { name: 'Refresh warnings' }).click();
    const listed = warnings.getByRole('table', { name: 'Warnings' }).getByRole('row');
    await listed.nth(1).waitFor();
    assert.equal(await listed.count(), 2, 'a header and the one warning');
    const cells = await listed.nth(1).getByRole('cell').allTextContents();
    assert.equal(cells[1], 'multiple agents use same account');
    assert.equal(cells[2], agent.id);
    assert.match(
      cells[3] ?? '',
      new RegExp(`Two agents present the machine account ${agent.id.replaceAll('.', '\\.')}`),
    );
    assert.match(
      cells[3] ?? '',
      /a second agent on host ".*" \(hardware id hw-cc1-twin, from [:a-f]*127\.0\.0\.1\) was refused/,
    );
    assert.match(cells[3] ?? '', /give the second machine its own token/);
    assert.match(
      (await listed.nth(1).locator('time').getAttribute('datetime')) ?? '',
      /^\d{4}-\d\d-\d\dT.*Z$/,
    );
    assert.equal(await warnings.getByText('No warnings.').count(), 0);
    tab.assertClean();
  });

  it('fits a phone: nothing but the table scrolls sideways', async () => {
    const page = await openPage(PHONE);
    await assertNoPageOverflow(page);
    tab.assertClean();
  });
});

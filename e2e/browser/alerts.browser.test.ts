import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ConsoleTab, launchChromium, PHONE } from './support/chromium';
import { type ConsoleServer, startConsoleServer } from './support/console-server';

/** What the functions sent into the page read (this program is compiled without the DOM types). */
interface BrowserGlobals {
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
}

interface RuleJson {
  id: string;
  name: string;
  group: string;
  condition: string;
  minutes: number | null;
  emails: string[];
}
interface WindowJson {
  id: string;
  machineId: string | null;
  group: string;
  reason: string;
}

const PASSWORD = 'correct horse battery';
// Markup in a name must come out as the characters typed, never as an element.
const RULE_NAME = '<img src=x onerror=alert(1)> never seen';

// The Alerts page against a real server: rules made, edited and deleted on the page, the alert
// a rule raises listed with its state, maintenance windows made and deleted, the server's own
// refusals shown with nothing changed, and the page of a user who may only look.
describe('console: Alerts', () => {
  let browser: Browser;
  let site: ConsoleServer;
  const rules = async () => ((await site.server.api.get('/alert-rules')).body as { items: RuleJson[] }).items;
  const windows = async () =>
    ((await site.server.api.get('/maintenance-windows')).body as { items: WindowJson[] }).items;
  const openAlerts = async (name = 'ada', viewport?: { width: number; height: number }) => {
    const tab = await ConsoleTab.open(browser, site.baseUrl, viewport);
    await tab.signIn(name, PASSWORD);
    await tab.page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await tab.page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    return tab;
  };
  const ruleForm = (page: Page) => page.getByRole('form', { name: 'Alert rule' });
  const windowForm = (page: Page) => page.getByRole('form', { name: 'Maintenance window' });

  before(async () => {
    // Rules are evaluated every half second, so an alert fires while the test waits.
    [browser, site] = await Promise.all([
      launchChromium(),
      startConsoleServer([], { MUSTER_ALERT_EVALUATE_MS: '500' }),
    ]);
    await site.createUser('ada', PASSWORD, [{ role: 'master', scope: 'master' }]);
    const role = await site.server.api.post('/roles', {
      name: 'alert-watcher',
      permissions: ['alerts.view'],
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    await site.createUser('vic', PASSWORD, [{ role: 'alert-watcher', scope: 'master' }]);
    const other = await site.server.api.post('/roles', { name: 'looker', permissions: ['machines.view'] });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    await site.createUser('lou', PASSWORD, [{ role: 'looker', scope: 'master' }]);
    // A machine account that never checks in: a token with a machine name makes it at once.
    await site.server.installToken({ group: 'web.acme', machineName: 'pc1' });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('creates a rule, lists it as text, and lists the alert it raises as firing', async () => {
    const tab = await openAlerts();
    const { page } = tab;
    const form = ruleForm(page);
    await form.getByLabel('Rule name').fill(RULE_NAME);
    await form.getByLabel('Machine group').fill('web.acme');
    await form.getByLabel('Condition').selectOption('never-checked-in');
    await form.getByLabel('Minutes').fill('0');
    await form.getByLabel('Email to (optional)').fill('ops@acme.example, oncall@acme.example');
    await form.getByRole('button', { name: 'Create alert rule' }).click();
    await form.getByRole('status').filter({ hasText: 'Created the alert rule' }).waitFor();

    const table = page.getByRole('table', { name: 'Alert rules' });
    const row = table.getByRole('row').filter({ hasText: 'web.acme' });
    await row.waitFor();
    assert.equal(await row.getByRole('cell').first().textContent(), RULE_NAME);
    assert.equal(await table.locator('img').count(), 0, 'the name made no element');
    await row.getByRole('cell', { name: 'Never checked in 0 min after enrollment' }).waitFor();
    await row.getByRole('cell', { name: 'ops@acme.example, oncall@acme.example' }).waitFor();
    const stored = await rules();
    assert.deepEqual(
      stored.map((r) => [r.name, r.group, r.condition, r.minutes, r.emails]),
      [[RULE_NAME, 'web.acme', 'never-checked-in', 0, ['ops@acme.example', 'oncall@acme.example']]],
    );

    // The machine never checked in: the rule fires for it, and the list (read again on its
    // timer) shows the alert firing.
    const alert = page
      .getByRole('table', { name: 'Alerts' })
      .getByRole('row')
      .filter({ hasText: 'pc1.web.acme' });
    await alert.getByRole('cell', { name: 'Firing', exact: true }).waitFor({ timeout: 30_000 });
    assert.equal(await alert.getByRole('cell').nth(2).textContent(), RULE_NAME);
    await alert.getByRole('cell', { name: 'Never checked in', exact: true }).waitFor();
    assert.equal(
      await alert.getByRole('link', { name: 'pc1.web.acme' }).getAttribute('href'),
      '/machines/pc1.web.acme',
    );
    // Filtered on the server: no resolved alert yet.
    await page.getByLabel('State').selectOption('resolved');
    await page.getByRole('table', { name: 'Alerts' }).getByText('No resolved alert.').waitFor();
    tab.assertClean();
    await tab.close();
  });

  it("shows the server's refusal of bad input, and changes nothing", async () => {
    const tab = await openAlerts();
    const { page } = tab;
    const form = ruleForm(page);
    const before = await rules();
    await form.getByLabel('Rule name').fill('empty group');
    await form.getByLabel('Condition').selectOption('offline');
    await form.getByLabel('Minutes').fill('5');
    await form.getByRole('button', { name: 'Create alert rule' }).click();
    assert.equal(
      await form.getByRole('alert').textContent(),
      'invalid body: /group must NOT have fewer than 1 characters',
    );

    await form.getByLabel('Machine group').fill('web.acme');
    await form.getByLabel('Minutes').fill('-5');
    await form.getByRole('button', { name: 'Create alert rule' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'minutes: a whole number from 0 to 10080, got -5' })
      .waitFor();

    await form.getByLabel('Machine group').fill('nowhere.acme');
    await form.getByLabel('Minutes').fill('5');
    await form.getByRole('button', { name: 'Create alert rule' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'no machine group or organization "nowhere.acme"' })
      .waitFor();
    assert.deepEqual(await rules(), before, 'no rule was stored or changed');

    const windowsBefore = await windows();
    const wform = windowForm(page);
    await wform.getByRole('button', { name: 'Create maintenance window' }).click();
    await wform
      .getByRole('alert')
      .filter({ hasText: '/group must NOT have fewer than 1 characters' })
      .waitFor();
    await wform.getByLabel('Group or organization').fill('web.acme');
    await wform.getByLabel('Ends').fill('2020-01-01T00:00');
    await wform.getByRole('button', { name: 'Create maintenance window' }).click();
    await wform
      .getByRole('alert')
      .filter({ hasText: 'endsAt: the window must end after it starts' })
      .waitFor();
    assert.deepEqual(await windows(), windowsBefore, 'no window was stored');
    assert.equal(
      await page
        .getByRole('table', { name: 'Maintenance windows' })
        .getByText('No maintenance window planned.')
        .count(),
      1,
    );
    tab.assertClean();
    await tab.close();
  });

  it('edits and deletes a rule', async () => {
    const tab = await openAlerts();
    const { page } = tab;
    const [rule] = await rules();
    assert.ok(rule);
    await page.getByRole('button', { name: `Edit alert rule ${RULE_NAME}` }).click();
    const form = ruleForm(page);
    assert.equal(await form.getByLabel('Machine group').inputValue(), 'web.acme');
    await form.getByLabel('Condition').selectOption('offline');
    await form.getByLabel('Minutes').fill('30');
    await form.getByLabel('Rule name').fill('Offline half an hour');
    await form.getByRole('button', { name: 'Save alert rule' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: 'Saved the alert rule Offline half an hour.' })
      .waitFor();
    const table = page.getByRole('table', { name: 'Alert rules' });
    await table.getByRole('cell', { name: 'Offline longer than 30 min' }).waitFor();
    const saved = await rules();
    assert.deepEqual(
      saved.map((r) => [r.id, r.name, r.condition, r.minutes]),
      [[rule.id, 'Offline half an hour', 'offline', 30]],
    );

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete alert rule Offline half an hour' }).click();
    await table.getByText('No alert rule yet.').waitFor();
    assert.deepEqual(await rules(), []);
    tab.assertClean();
    await tab.close();
  });

  it('creates a maintenance window for a machine and for a group, and deletes one', async () => {
    const tab = await openAlerts();
    const { page } = tab;
    const form = windowForm(page);
    await form.getByLabel('Applies to').selectOption('machine');
    await form.getByLabel('Machine ID').fill('pc1.web.acme');
    await form.getByLabel('Reason (optional)').fill('<b>reboot</b>');
    await form.getByRole('button', { name: 'Create maintenance window' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: 'Created a maintenance window for pc1.web.acme.' })
      .waitFor();
    await form.getByLabel('Applies to').selectOption('group');
    await form.getByLabel('Group or organization').fill('acme');
    await form.getByRole('button', { name: 'Create maintenance window' }).click();
    await form.getByRole('status').filter({ hasText: 'Created a maintenance window for acme.' }).waitFor();

    const table = page.getByRole('table', { name: 'Maintenance windows' });
    const machineRow = table.getByRole('row').filter({ hasText: 'pc1.web.acme' });
    await machineRow.getByRole('cell', { name: '<b>reboot</b>' }).waitFor();
    await machineRow.getByRole('cell', { name: 'Yes' }).waitFor();
    await table.getByRole('row').filter({ hasText: 'acme (group)' }).waitFor();
    const stored = await windows();
    assert.deepEqual(
      stored.map((w) => [w.machineId, w.group, w.reason]).sort(),
      [
        ['pc1.web.acme', 'web.acme', '<b>reboot</b>'],
        [null, 'acme', ''],
      ].sort(),
    );

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete maintenance window of pc1.web.acme' }).click();
    await machineRow.waitFor({ state: 'detached' });
    assert.deepEqual(
      (await windows()).map((w) => w.group),
      ['acme'],
    );
    tab.assertClean();
    await tab.close();
  });

  it('shows a user who may only look no create, edit or delete buttons', async () => {
    const tab = await openAlerts('vic', PHONE);
    const { page } = tab;
    // The lists are there, with what a manager made.
    await page
      .getByRole('table', { name: 'Maintenance windows' })
      .getByRole('row')
      .filter({ hasText: 'acme (group)' })
      .waitFor();
    await page
      .getByRole('table', { name: 'Alerts' })
      .getByRole('row')
      .filter({ hasText: 'pc1.web.acme' })
      .first()
      .waitFor();
    assert.equal(await page.getByRole('form').count(), 0, 'no form');
    assert.equal(
      await page.getByRole('button', { name: /^(Create|Edit|Delete|Save)/ }).count(),
      0,
      'no action',
    );
    // Without machines.view the machine is named, not linked.
    assert.equal(await page.getByRole('table', { name: 'Alerts' }).getByRole('link').count(), 0);
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as BrowserGlobals;
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    tab.assertClean();
    await tab.close();

    // A user without alerts.view has no Alerts page at all.
    const other = await ConsoleTab.open(browser, site.baseUrl);
    await other.signIn('lou', PASSWORD);
    await other.page.getByRole('link', { name: 'Machines', exact: true }).waitFor();
    assert.equal(await other.page.getByRole('link', { name: 'Alerts', exact: true }).count(), 0);
    other.assertClean();
    await other.close();
  });
});

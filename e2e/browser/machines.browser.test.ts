import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { tempDir, waitFor } from '../support/harness';
import { ConsoleTab, DESKTOP, launchChromium, PHONE } from './support/chromium';
import { type ConsoleServer, startConsoleServer } from './support/console-server';
import { type EnrolledAgent, startEnrolledAgent } from './support/machine-agents';
import {
  assertNoPageOverflow,
  markDocument,
  stillSameDocument,
  storedItem,
  textColor,
} from './support/page-checks';

/** What an agent reports as its logged-on user: markup that must be shown as text. */
const HOSTILE = '<img src=x onerror=alert(1)>';
/** Machine accounts made by fixed-name install tokens (never checked in), for the pager. */
const SEEDED = 120;
/** The red of the temporary agent's clock (src/styles.css --red). */
const RED = 'rgb(179, 38, 30)';

// The Machines page against a real server and real agents: a hostile logged-on user name shown
// as text, the filter remembered per user and in force on Check-In Control, suspend and resume,
// a killed agent turning offline live, server-side paging, sorting and search over 122
// machines, delete behind a confirmation, and the phone width.
describe('console: Machines', () => {
  const dir = tempDir('browser-machines');
  let browser: Browser;
  let site: ConsoleServer;
  let tab: ConsoleTab;
  let pc1: EnrolledAgent;
  let pcx: EnrolledAgent;
  let maraId: string;
  const dialogs: string[] = [];

  before(async () => {
    // Both are kept even when the other fails, so `after` closes what did start.
    const [launched, started] = await Promise.allSettled([launchChromium(), startConsoleServer()]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'fulfilled') site = started.value;
    if (launched.status === 'rejected') throw launched.reason;
    if (started.status === 'rejected') throw started.reason;
    maraId = await site.createUser('mara', 'correct horse battery', [{ role: 'master', scope: 'master' }]);
    const probe = join(dir.path, 'user.json');
    writeFileSync(probe, JSON.stringify({ user: HOSTILE, idleSeconds: 0 }));
    const seed = async () => {
      for (let i = 1; i <= SEEDED; i += 20) {
        await Promise.all(
          Array.from({ length: Math.min(20, SEEDED - i + 1) }, (_, k) =>
            site.server.installToken({
              group: 'lab.acme',
              machineName: `m${String(i + k).padStart(3, '0')}`,
            }),
          ),
        );
      }
    };
    [pc1, pcx, tab] = await Promise.all([
      startEnrolledAgent(site, dir.path, 'pc1', 'web.acme'),
      startEnrolledAgent(site, dir.path, 'pcx', 'web.acme', probe),
      ConsoleTab.open(browser, site.baseUrl),
      seed(),
    ]);
    tab.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await tab.signIn('mara', 'correct horse battery');
  });
  after(async () => {
    await Promise.all([pc1?.proc.stop(), pcx?.proc.stop()]);
    await tab?.close();
    await browser?.close();
    await site?.close();
    dir.cleanup();
  });

  /** The Machines page, freshly loaded, at a screen size. */
  async function openPage(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
    await tab.page.setViewportSize(viewport);
    await tab.page.goto('/machines');
    await tab.page.getByRole('heading', { name: 'Machines' }).waitFor();
    await tab.page.locator('tr[data-machine]').first().waitFor();
    return tab.page;
  }
  const row = (page: Page, id: string) => page.locator(`tr[data-machine="${id}"]`);
  const statusOf = (page: Page, id: string) =>
    row(page, id).locator('[data-status]').getAttribute('data-status');
  const pagerText = (page: Page) =>
    page.getByRole('navigation', { name: 'Machines pages' }).locator('span').textContent();
  const setFilter = async (page: Page, filter: string) => {
    await page.getByLabel('Machine ID / Group ID filter').fill(filter);
    await page.getByRole('button', { name: 'Apply filter' }).click();
  };

  it('shows a hostile logged-on user name as text; the filter is remembered and in force on Check-In Control', async () => {
    // The server refuses such a machine name, so the name reaches the page as the logged-on user.
    const refused = await site.server.api.post('/install-tokens', {
      group: 'web.acme',
      machineName: HOSTILE,
    });
    assert.equal(refused.status, 400);
    const page = await openPage();
    await setFilter(page, 'web.acme');
    await waitFor('only web.acme', async () => (await page.locator('tr[data-machine]').count()) === 2);
    await waitFor('the user to show', async () => (await statusOf(page, pcx.id)) === 'user-logged-on');
    const cell = row(page, pcx.id).getByText(HOSTILE, { exact: true });
    await cell.waitFor();
    assert.equal(await cell.isVisible(), true);
    assert.equal(await page.locator('main img').count(), 0, 'no element was made from the text');
    const icon = row(page, pcx.id).getByRole('img');
    assert.equal(await icon.getAttribute('aria-label'), `Online, user logged on · user: ${HOSTILE}`);
    assert.equal(await icon.getAttribute('title'), `Online, user logged on · user: ${HOSTILE}`);

    // Remembered for this user after a reload, and the same filter on Check-In Control.
    await page.reload();
    await row(page, pcx.id).waitFor();
    assert.equal(await page.getByLabel('Machine ID / Group ID filter').inputValue(), 'web.acme');
    assert.equal(await page.locator('tr[data-machine]').count(), 2);
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Check-In Control' })
      .click();
    await page.getByRole('heading', { name: 'Check-In Control' }).waitFor();
    await row(page, pcx.id).waitFor();
    assert.equal(await page.locator('tr[data-machine]').count(), 2);
    assert.equal(await page.getByLabel('Machine ID / Group ID filter').inputValue(), 'web.acme');
    assert.equal(await storedItem(page, `muster.machine-filter.${maraId}`), 'web.acme');
    // A filter the API would refuse is explained and not applied.
    await setFilter(page, 'web acme;');
    await page.getByText('a filter holds only machine and group names').waitFor();
    assert.equal(await page.locator('tr[data-machine]').count(), 2);
    assert.deepEqual(dialogs, [], 'no dialog opened');
    tab.assertClean();
  });

  it('suspends and resumes a real agent, and the status icon follows', async () => {
    const page = await openPage();
    await setFilter(page, 'web.acme');
    await waitFor('pc1 online', async () => (await statusOf(page, pc1.id)) === 'online');
    await page.getByLabel(`Select ${pc1.id}`).check();
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByText('Suspended 1 machine.').waitFor();
    await waitFor('the icon to say suspended', async () => (await statusOf(page, pc1.id)) === 'suspended');
    assert.match((await row(page, pc1.id).getByRole('img').getAttribute('aria-label')) ?? '', /^Suspended/);
    assert.equal((await site.server.machine(pc1.id))?.status, 'suspended');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('Resumed 1 machine.').waitFor();
    await waitFor('the icon to say online', async () => (await statusOf(page, pc1.id)) === 'online');
    assert.equal((await site.server.machine(pc1.id))?.status, 'online');
    tab.assertClean();
  });

  it('shows a machine offline, without a reload, when its agent process is killed', async () => {
    const page = await openPage();
    await setFilter(page, 'web.acme');
    await row(page, pc1.id).waitFor();
    await markDocument(page);
    assert.equal(await statusOf(page, pc1.id), 'online');
    await pc1.proc.stop('SIGKILL');
    await waitFor(
      'the icon to say offline',
      async () => (await statusOf(page, pc1.id)) === 'offline',
      15_000,
    );
    assert.equal(await stillSameDocument(page), true, 'the page was not reloaded');
    tab.assertClean();
  });

  it('pages, sorts and searches on the server', async () => {
    const page = await openPage();
    await setFilter(page, '');
    const total = SEEDED + 2;
    await waitFor('the first page', async () => (await pagerText(page)) === `1–50 of ${total}`);
    assert.equal(
      await page.locator('tr[data-machine]').first().getAttribute('data-machine'),
      'm001.lab.acme',
    );
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/machines?')) asked.push(new URL(r.url()).search);
    });
    const next = page.getByRole('button', { name: 'Next' });
    await next.click();
    await waitFor('the second page', async () => (await pagerText(page)) === `51–100 of ${total}`);
    assert.equal(
      await page.locator('tr[data-machine]').first().getAttribute('data-machine'),
      'm051.lab.acme',
    );
    await next.click();
    await waitFor('the last page', async () => (await pagerText(page)) === `101–${total} of ${total}`);
    assert.equal(await next.isDisabled(), true);
    assert.equal(asked.length, 2, 'one request per page');
    assert.ok(
      asked.every((q) => q.includes('limit=50') && q.includes('after=')),
      `each page is asked of the server: ${asked.join(' ')}`,
    );

    // Sorting starts over at the first page, in the order the server gives.
    await page.getByRole('button', { name: 'Machine.Group ID' }).click();
    await waitFor('descending ids', async () => (await pagerText(page)) === `1–50 of ${total}`);
    assert.equal(await page.locator('tr[data-machine]').first().getAttribute('data-machine'), pcx.id);
    assert.match(asked.at(-1) ?? '', /sort=id&order=desc/);
    const header = page.getByRole('columnheader', { name: 'Machine.Group ID' });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    await page.getByRole('button', { name: 'Last check-in' }).click();
    await waitFor('sorted by last check-in', async () =>
      /sort=lastCheckin&order=asc/.test(asked.at(-1) ?? ''),
    );
    // Never checked in comes first ascending; the two agents that did come last.
    await next.click();
    await next.click();
    await waitFor(
      'the last page by check-in',
      async () => (await pagerText(page)) === `101–${total} of ${total}`,
    );
    const rows = page.locator('tr[data-machine]');
    const ids = await Promise.all(
      Array.from({ length: await rows.count() }, (_, i) => rows.nth(i).getAttribute('data-machine')),
    );
    assert.deepEqual(ids.slice(-2).sort(), [pc1.id, pcx.id].sort());

    // Search: the machine id or the logged-on user.
    await page.getByLabel('Search').fill('onerror');
    await waitFor('the search answer', async () => (await pagerText(page)) === '1–1 of 1');
    assert.equal(await page.locator('tr[data-machine]').first().getAttribute('data-machine'), pcx.id);
    assert.match(asked.at(-1) ?? '', /search=onerror/);
    await page.getByLabel('Search').fill('m11');
    await waitFor('the id search', async () => (await pagerText(page)) === '1–10 of 10');
    tab.assertClean();
  });

  it('selects all and none, and deletes behind a confirmation naming how many', async () => {
    const page = await openPage();
    await page.getByLabel('Search').fill('m11');
    await waitFor('the id search', async () => (await pagerText(page)) === '1–10 of 10');
    await page.getByRole('button', { name: 'Select All', exact: true }).click();
    await page.getByText('10 of 10 selected').waitFor();
    await page.getByRole('button', { name: 'Unselect All' }).click();
    await page.getByText('0 of 10 selected').waitFor();
    await page.getByLabel('Select m118.lab.acme').check();
    await page.getByLabel('Select m119.lab.acme').check();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const question = page.getByRole('alertdialog');
    await question.getByText('Delete 2 machines?').waitFor();
    // Cancel changes nothing; the question takes the focus, so Enter answers it.
    await question.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await site.server.machine('m118.lab.acme'))?.id, 'm118.lab.acme');
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.keyboard.press('Enter');
    await page.getByText('Deleted 2 machines.').waitFor();
    await waitFor('the list without them', async () => (await pagerText(page)) === '1–8 of 8');
    assert.equal(await site.server.machine('m118.lab.acme'), null);
    assert.equal(await site.server.machine('m119.lab.acme'), null);
    assert.deepEqual(dialogs, [], 'no browser dialog: the question is part of the page');
    tab.assertClean();
  });

  it('shows a user who may only view no buttons that change machines or their settings', async () => {
    const role = await site.server.api.post('/roles', { name: 'viewer', permissions: ['machines.view'] });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    await site.createUser('vic', 'correct horse battery', [{ role: 'viewer', scope: 'master' }]);
    const viewer = await ConsoleTab.open(browser, site.baseUrl);
    try {
      await viewer.signIn('vic', 'correct horse battery');
      const { page } = viewer;
      await page.goto('/machines');
      await page.locator('tr[data-machine]').first().waitFor();
      for (const name of ['Suspend', 'Resume', 'Delete…', 'Select All'])
        assert.equal(await page.getByRole('button', { name }).count(), 0, name);
      assert.equal(await page.getByRole('checkbox').count(), 0, 'no row to check for nothing');
      await page.goto('/checkin-control');
      await page.locator('tr[data-machine]').first().waitFor();
      assert.equal(await page.getByRole('button', { name: 'Update' }).count(), 0);
      assert.equal(await page.getByRole('region', { name: 'Warnings' }).count(), 0);
      const policy = page.getByRole('region', { name: 'Check-in Policy' });
      await policy.getByLabel('Machine group').fill('web.acme');
      await policy.getByRole('button', { name: 'Show policy' }).click();
      await policy.getByText('every 1 to 86,400 seconds').waitFor();
      assert.equal(await policy.getByRole('button', { name: 'Save policy' }).count(), 0);
      viewer.assertClean();
    } finally {
      await viewer.close();
    }
  });

  it('fits a phone: nothing but the table scrolls sideways', async () => {
    const page = await openPage(PHONE);
    await assertNoPageOverflow(page);
    tab.assertClean();
  });

  // Last: it adds a machine and binds pcx, which the counts and names above do not expect.
  it("lists the manual's eight statuses and the two badges in the Legend; a temporary agent wears the red clock, a bound one the lock", async () => {
    // The manual's eight check-in statuses, each by the words its legend entry must carry.
    const manual: Array<[string, RegExp]> = [
      ['online-awaiting-audit', /^Online, awaiting the first audit$/],
      ['online', /^Online$/],
      ['user-logged-on', /^Online, user logged on$/],
      ['user-idle', /^Online, user logged on but idle for 10 minutes or more$/],
      ['offline', /^Offline$/],
      ['never-checked-in', /^Has never checked in$/],
      ['remote-control-disabled', /^Online, remote control disabled$/],
      ['suspended', /^Suspended$/],
    ];
    // A temporary agent's account (a temporary install token with a fixed name), and pcx bound.
    const kiosk = 'kiosk.tmp.acme';
    await site.server.installToken({ group: 'tmp.acme', machineName: 'kiosk', temporary: true });
    assert.equal((await site.server.machine(kiosk))?.temporary, true);
    const bind = await site.server.api.put('/checkin-control', {
      machines: [pcx.id],
      settings: { bindToServer: true },
    });
    assert.equal(bind.status, 200, JSON.stringify(bind.body));

    const page = await openPage();
    const legend = page.locator('details.legend');
    const entries = legend.getByRole('listitem');
    assert.equal(await entries.first().isVisible(), false, 'closed until asked for');
    await legend.getByText('Legend', { exact: true }).click();
    await entries.first().waitFor();
    const shown = await Promise.all(
      (await entries.all()).map(async (entry) => ({
        status: await entry.locator('[data-status]').getAttribute('data-status'),
        tooltip: await entry.getByRole('img').getAttribute('title'),
        text: ((await entry.textContent()) ?? '').trim(),
        clocks: await entry.locator('.badge-clock').count(),
        locks: await entry.locator('.badge-lock').count(),
      })),
    );
    assert.equal(shown.length, 10, 'eight statuses and two badges');
    const statuses = shown.slice(0, 8);
    assert.deepEqual(statuses.map((s) => s.status).sort(), manual.map(([status]) => status).sort());
    for (const [status, words] of manual) {
      const entry = statuses.find((s) => s.status === status);
      assert.match(entry?.text ?? '', words, status);
      assert.match(entry?.tooltip ?? '', words, `the tooltip of ${status}`);
      assert.deepEqual([entry?.clocks, entry?.locks], [0, 0], `${status} has no badge`);
    }
    const [temporary, bound] = shown.slice(8);
    assert.match(temporary?.text ?? '', /^Temporary agent \(red clock\)$/);
    assert.deepEqual([temporary?.clocks, temporary?.locks], [1, 0]);
    assert.match(bound?.text ?? '', /^Agent bound to this server \(lock\)$/);
    assert.deepEqual([bound?.clocks, bound?.locks], [0, 1]);

    /** The one row a search finds, and its status icon. */
    const found = async (search: string, id: string) => {
      await page.getByLabel('Search').fill(search);
      await waitFor(`the search for ${search}`, async () => (await pagerText(page)) === '1–1 of 1');
      await row(page, id).waitFor();
      return row(page, id).getByRole('img');
    };
    const kioskIcon = await found('kiosk', kiosk);
    assert.equal(await kioskIcon.getAttribute('title'), 'Has never checked in · temporary agent');
    assert.equal(await kioskIcon.getAttribute('aria-label'), 'Has never checked in · temporary agent');
    assert.equal(await kioskIcon.locator('.badge-lock').count(), 0);
    const clock = kioskIcon.locator('.badge-clock');
    assert.equal(await clock.isVisible(), true);
    assert.equal(await textColor(clock), RED, 'the clock is red');

    const pcxIcon = await found('pcx', pcx.id);
    await waitFor('the lock on pcx', async () => (await pcxIcon.locator('.badge-lock').count()) === 1);
    assert.equal(await pcxIcon.locator('.badge-lock').isVisible(), true);
    assert.equal(await pcxIcon.locator('.badge-clock').count(), 0);
    assert.equal(
      await pcxIcon.getAttribute('title'),
      `Online, user logged on · user: ${HOSTILE} · bound to this server`,
    );
    tab.assertClean();
  });
});

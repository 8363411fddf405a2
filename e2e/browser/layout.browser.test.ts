import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { waitFor } from '../support/harness';
import { launchBrowserAndSite } from './support/browser-and-site';
import { ConsoleTab, DESKTOP, PHONE } from './support/chromium';
import type { ConsoleServer } from './support/console-server';
import { assertNoPageOverflow, tabUntil } from './support/page-checks';

const PASSWORD = 'layout test password';
/** Every page of the menu a master sees, by its menu title and address. */
const PAGES = [
  ['Machines', '/machines'],
  ['Check-In Control', '/checkin-control'],
  ['Devices', '/devices'],
  ['Offsite Servers', '/replication'],
  ['Terminal sessions', '/terminal-sessions'],
  ['Alerts', '/alerts'],
  ['Enroll', '/enroll'],
  ['Administration', '/admin'],
] as const;

describe('console: every page at both sizes and by keyboard', () => {
  let browser: Browser;
  let site: ConsoleServer;
  before(async () => {
    [browser, site] = await launchBrowserAndSite();
    await Promise.all([
      site.createUser('kim', PASSWORD, [{ role: 'master', scope: 'master' }]),
      // Changes its password by keyboard: kim's stays as it is for the other tests.
      site.createUser('kai', PASSWORD, [{ role: 'master', scope: 'master' }]),
    ]);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const viewport of [DESKTOP, PHONE]) {
    it(`at ${viewport.width}×${viewport.height} each page has its heading and no page-wide sideways scroll`, async () => {
      const tab = await ConsoleTab.open(browser, site.baseUrl, viewport);
      // The sign-in page first, then every page of the menu, then My account.
      await tab.page.getByRole('heading', { name: 'Sign in to Muster' }).waitFor();
      await assertNoPageOverflow(tab.page);
      await tab.signIn('kim', PASSWORD);
      for (const [title, path] of PAGES) {
        await tab.page.goto(path);
        await tab.page.getByRole('heading', { level: 1 }).first().waitFor();
        // Wide tables scroll inside their own box; the page itself never does.
        const overflow = await tab.page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `${title} at ${viewport.width}px is ${overflow}px too wide`);
        assert.match(await tab.page.title(), new RegExp(title));
      }
      await tab.page.goto('/account');
      await tab.page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
      await tab.page.getByRole('form', { name: 'Change my password' }).waitFor();
      await assertNoPageOverflow(tab.page);
      tab.assertClean();
      await tab.close();
    });
  }

  it('is reached by keyboard alone: skip link, then every menu page by Tab and Enter', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl, PHONE);
    await tab.signIn('kim', PASSWORD);
    const { page } = tab;
    await page.goto('/machines');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    for (const [title, path] of PAGES) {
      // From the top of the page, Tab until the menu link has the focus, then Enter.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      let reached = false;
      for (let presses = 0; presses < 40 && !reached; presses++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(
          (name) =>
            document.activeElement?.closest('nav[aria-label="Pages"]') !== null &&
            document.activeElement?.textContent === name,
          title,
        );
      }
      assert.ok(reached, `the ${title} link is reached by Tab`);
      await page.keyboard.press('Enter');
      // A page may move on to its first section (/admin → /admin/users): the start is enough.
      await page.waitForURL((url) => url.pathname.startsWith(path));
    }
    tab.assertClean();
    await tab.close();
  });

  it('signs in, makes an install token and changes the password by keyboard alone (Tab, Space, Enter)', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    const fresh = 'typed without a mouse';
    await page.getByRole('heading', { name: 'Sign in to Muster' }).waitFor();
    await tabUntil(page, 'the name field', (f) => f.name === 'name');
    await page.keyboard.type('kai');
    await tabUntil(page, 'the password field', (f) => f.name === 'password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Pages', exact: true }).waitFor();

    // Enroll: a temporary install token with a fixed machine name, by its form.
    await page.goto('/enroll');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await tabUntil(page, 'Machine group', (f) => f.label === 'Machine group');
    await page.keyboard.type('kb.acme');
    await tabUntil(page, 'Machine name', (f) => f.label.startsWith('Machine name'));
    await page.keyboard.type('kb1');
    await tabUntil(page, 'the temporary box', (f) => f.label.startsWith('Temporary agents'));
    await page.keyboard.press('Space');
    await tabUntil(page, 'Create install token', (f) => f.text === 'Create install token');
    await page.keyboard.press('Enter');
    const made = await waitFor('the account made by the token', () => site.server.machine('kb1.kb.acme'));
    assert.equal(made.temporary, true, 'Space checked the box');

    // My account: the password changed by its form; the new one signs in.
    await page.goto('/account');
    await page.getByRole('form', { name: 'Change my password' }).waitFor();
    await tabUntil(page, 'Current password', (f) => f.label === 'Current password');
    await page.keyboard.type(PASSWORD);
    await tabUntil(page, 'New password', (f) => f.label === 'New password');
    await page.keyboard.type(fresh);
    await tabUntil(page, 'Repeat the new password', (f) => f.label === 'Repeat the new password');
    await page.keyboard.type(fresh);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
    const signIn = await fetch(`${site.baseUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kai', password: fresh }),
    });
    assert.equal(signIn.status, 201, 'the new password signs in');
    tab.assertClean();
    await tab.close();
  });
});

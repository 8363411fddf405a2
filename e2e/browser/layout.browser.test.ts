import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ConsoleTab, DESKTOP, launchChromium, PHONE } from './support/chromium';
import { type ConsoleServer, startConsoleServer } from './support/console-server';

const PASSWORD = 'layout test password';
/** Every page of the menu a master sees, by its menu title and address. */
const PAGES = [
  ['Machines', '/machines'],
  ['Check-In Control', '/checkin-control'],
  ['Devices', '/devices'],
  ['Offsite Servers', '/replication'],
  ['Alerts', '/alerts'],
  ['Enroll', '/enroll'],
  ['Administration', '/admin'],
] as const;

describe('console: every page at both sizes and by keyboard', () => {
  let browser: Browser;
  let site: ConsoleServer;
  before(async () => {
    [browser, site] = await Promise.all([launchChromium(), startConsoleServer()]);
    await site.createUser('kim', PASSWORD, [{ role: 'master', scope: 'master' }]);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const viewport of [DESKTOP, PHONE]) {
    it(`at ${viewport.width}×${viewport.height} each page has its heading and no page-wide sideways scroll`, async () => {
      const tab = await ConsoleTab.open(browser, site.baseUrl, viewport);
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
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowserAndSite } from './support/browser-and-site';
import { ConsoleTab } from './support/chromium';
import type { ConsoleServer } from './support/console-server';

describe('console: signing in', () => {
  let browser: Browser;
  let site: ConsoleServer;
  before(async () => {
    [browser, site] = await launchBrowserAndSite();
    await site.createUser('olivia', 'correct horse battery', [{ role: 'master', scope: 'master' }]);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it("refuses a wrong password with the server's words, then signs in and shows the pages", async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    await tab.page.getByLabel('Name').fill('olivia');
    await tab.page.getByLabel('Password').fill('wrong password here');
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    const refusal = await tab.page.getByRole('alert').textContent();
    assert.match(refusal ?? '', /not right/);
    // The refusal is a 401, not a problem of the page; the page then signs in normally.
    await tab.signIn('olivia', 'correct horse battery');
    const menu = await tab.page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link')
      .allTextContents();
    assert.deepEqual(menu.slice(0, 2), ['Machines', 'Check-In Control']);
    tab.assertClean();
    await tab.close();
  });
});

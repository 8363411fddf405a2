import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Proc, runMuster, tempDir } from '../support/harness';
import { ConsoleTab, launchChromium, PHONE } from './support/chromium';
import { type ConsoleServer, startConsoleServer } from './support/console-server';

/** What the functions sent into the page read (this program is compiled without the DOM types). */
interface BrowserGlobals {
  navigator: { clipboard: { readText(): Promise<string> } };
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
}

/** Splits a POSIX shell command line: blanks between words, '…' quoting, \ escapes outside quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === "'") quoted = false;
      else word += c;
    } else if (c === "'") {
      quoted = true;
      word ??= '';
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

// The Enroll page: an install token made on the page, its command line copied through the
// clipboard and run as a real agent process, the machine appearing live, then revoking.
describe('console: Enroll', () => {
  const dir = tempDir('browser-enroll');
  let browser: Browser;
  let site: ConsoleServer;
  const agents: Proc[] = [];
  before(async () => {
    [browser, site] = await Promise.all([launchChromium(), startConsoleServer()]);
    await site.createUser('erin', 'correct horse battery', [{ role: 'master', scope: 'master' }]);
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await browser?.close();
    await site?.close();
    dir.cleanup();
  });

  it('refuses a group the server would refuse, before anything is sent', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    await tab.signIn('erin', 'correct horse battery');
    await tab.page.getByRole('link', { name: 'Enroll' }).click();
    await tab.page.getByLabel('Machine group').fill('acme');
    await tab.page.getByRole('button', { name: 'Create install token' }).click();
    assert.match((await tab.page.getByRole('alert').textContent()) ?? '', /ending with the organization/);
    const listed = (await site.server.api.get('/install-tokens')).body as { items: unknown[] };
    assert.deepEqual(listed.items, [], 'nothing was created');
    tab.assertClean();
    await tab.close();
  });

  it('creates a token, copies the exact agent command, runs it, and shows the machine arriving', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.baseUrl });
    await tab.signIn('erin', 'correct horse battery');
    await page.goto('/enroll');
    await page.getByLabel('Machine group').fill('lab.acme');
    await page.getByLabel('Max uses').fill('2');
    await page.getByLabel('Expires').selectOption({ label: '1 day' });
    await page.getByRole('button', { name: 'Create install token' }).click();
    await page.getByRole('heading', { name: 'Install an agent in lab.acme' }).waitFor();
    // The proposal: the host this browser reached the server at, and the server's agent port.
    assert.equal(
      await page.getByLabel('Server address (agent port)').inputValue(),
      `127.0.0.1:${site.agentPort}`,
    );
    const stateDir = join(dir.path, "agent state's dir");
    await page.getByLabel('State directory').fill(stateDir);
    await page.getByRole('button', { name: 'Copy command' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() =>
      (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText(),
    );
    assert.equal(copied, await page.getByLabel('Agent command line').inputValue());
    const words = shellWords(copied);
    assert.deepEqual(words.slice(0, 4), ['muster', 'agent', '--server', `127.0.0.1:${site.agentPort}`]);
    assert.equal(words[4], '--token');
    assert.match(words[5] ?? '', /^mit_/);
    assert.deepEqual(words.slice(6), ['--state', stateDir], 'the quoted directory comes back whole');

    // The copied line, as a machine would run it (muster is the checkout's bin, run by node).
    agents.push(runMuster('agent:copied', words.slice(1)));
    const arrived = page.getByRole('list', { name: 'Machines in lab.acme' }).getByRole('listitem');
    await arrived.first().waitFor({ timeout: 30_000 });
    const machineId = ((await arrived.first().getByRole('link').textContent()) ?? '').trim();
    assert.match(machineId, /\.lab\.acme$/);
    await arrived
      .first()
      .getByRole('img', { name: /^Online/ })
      .waitFor({ timeout: 20_000 });
    const machine = (await site.server.api.get(`/machines/${machineId}`)).body as { online: boolean };
    assert.equal(machine.online, true);
    // The token's use is counted in the list.
    const row = page
      .getByRole('table', { name: 'Install tokens' })
      .getByRole('row')
      .filter({ hasText: 'lab.acme' });
    await row.getByRole('cell', { name: '1 of 2' }).waitFor();
    tab.assertClean();
    await tab.close();
  });

  it('revokes a token: it no longer enrolls, and the list says so', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl, PHONE);
    const { page } = tab;
    await tab.signIn('erin', 'correct horse battery');
    await page.goto('/enroll');
    const tokens = page.getByRole('table', { name: 'Install tokens' });
    const revoke = tokens.getByRole('button', { name: /^Revoke token .* of lab\.acme$/ });
    await revoke.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await revoke.click();
    await tokens.getByRole('cell', { name: 'Revoked', exact: true }).waitFor();
    assert.equal(await revoke.count(), 0, 'a revoked token has no Revoke button');
    const listed = (await site.server.api.get('/install-tokens')).body as { items: Array<{ state: string }> };
    assert.deepEqual(
      listed.items.map((t) => t.state),
      ['revoked'],
    );
    // At 390 px the page itself does not scroll sideways: wide tables scroll in their frame.
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as BrowserGlobals;
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    tab.assertClean();
    await tab.close();
  });
});

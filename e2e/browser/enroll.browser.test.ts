import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { installCommand } from '../../packages/cli/src/commands/install-token.commands';
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

/**
 * Puts an agent build where the server looks for one (the server reads the folder at each
 * request): a manifest and a file of its size. Not an agent that runs: the install script is
 * what is tested here; e2e/agent-executable installs a real build with it.
 */
function writeAgentBuild(folder: string): void {
  const body = Buffer.from('#!/bin/sh\necho not a real agent\n');
  const file = 'muster-agent-linux-x64';
  writeFileSync(join(folder, file), body);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const manifest = { file, platform: 'linux-x64', version: '0.1.0', size: body.length, sha256 };
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
}

// The Enroll page: an install token made on the page, its command line copied through the
// clipboard and run as a real agent process, the machine appearing live, then revoking; with
// an agent build on the server, the one install command that fetches the token's script.
describe('console: Enroll', () => {
  const dir = tempDir('browser-enroll');
  // The server's agent build folder: empty until the install command's test fills it.
  const builds = tempDir('browser-enroll-builds');
  let browser: Browser;
  let site: ConsoleServer;
  const agents: Proc[] = [];
  before(async () => {
    [browser, site] = await Promise.all([
      launchChromium(),
      startConsoleServer([], { MUSTER_AGENT_BUILD_DIR: builds.path }),
    ]);
    await site.createUser('erin', 'correct horse battery', [{ role: 'master', scope: 'master' }]);
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await browser?.close();
    await site?.close();
    dir.cleanup();
    builds.cleanup();
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
    // No agent build on this server: the page says so, and offers no install command to fail.
    const noScript = page.getByRole('status').filter({ hasText: 'No install command' });
    await noScript.waitFor();
    assert.match(
      (await noScript.textContent()) ?? '',
      /this server has no agent build: run `npm run build:agent`/,
    );
    assert.equal(await page.getByLabel('Install command (linux with systemd)').count(), 0);
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

  it('with an agent build, gives the one install command, which fetches the script the server serves', async () => {
    writeAgentBuild(builds.path);
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.baseUrl });
    await tab.signIn('erin', 'correct horse battery');
    await page.goto('/enroll');
    await page.getByLabel('Machine group').fill('web.acme');
    await page.getByRole('button', { name: 'Create install token' }).click();
    await page.getByRole('heading', { name: 'Install an agent in web.acme' }).waitFor();
    const field = page.getByLabel('Install command (linux with systemd)');
    await field.waitFor();
    await page.getByRole('button', { name: 'Copy install command' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() =>
      (globalThis as unknown as BrowserGlobals).navigator.clipboard.readText(),
    );
    assert.equal(copied, await field.inputValue());

    // Exactly the CLI's one-liner (install-token create --script) for the address the browser used.
    const words = shellWords(copied);
    const url = words[4] ?? '';
    const token = /\/install\/(mit_[A-Za-z0-9_-]{43})$/.exec(url)?.[1];
    assert.ok(token, `no install token in ${url}`);
    assert.equal(url, `${site.baseUrl}/install/${token}`);
    assert.equal(copied, installCommand(site.baseUrl, token));
    assert.deepEqual(words.slice(0, 4), ['curl', '-fsSL', '-o', 'muster-install.sh']);
    assert.deepEqual(words.slice(5), ['&&', 'sudo', 'sh', 'muster-install.sh']);

    // What a managed machine downloads from that address: the install script of this token.
    const answer = await fetch(url);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/x-shellscript/);
    const script = await answer.text();
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.ok(script.includes(`TOKEN='${token}'`), 'the script carries the token');
    assert.ok(script.includes(`SERVER='127.0.0.1:${site.agentPort}'`), 'and the agent port of this server');
    const listed = (await site.server.api.get('/install-tokens')).body as {
      items: Array<{ group: string; prefix: string | null }>;
    };
    const made = listed.items.find((t) => t.group === 'web.acme');
    assert.ok(made?.prefix && token.startsWith(made.prefix), 'the token is the one the page made');
    // The manual command stays, as the alternative.
    assert.match(await page.getByLabel('Agent command line').inputValue(), new RegExp(`--token ${token} `));
    tab.assertClean();
    await tab.close();
  });
});

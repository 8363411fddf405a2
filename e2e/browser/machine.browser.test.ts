import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Proc, startAgent, tempDir, waitEnrolled } from '../support/harness';
import { launchBrowserAndSite } from './support/browser-and-site';
import { ConsoleTab, PHONE } from './support/chromium';
import type { ConsoleServer } from './support/console-server';

const ADMIN = 'olivia';
const TECH = 'sam';
const PASSWORD = 'correct horse battery';
const HOSTILE = '<b>bold</b><img src=x onerror=alert(1)>';

// The Machine page against a real server, a real agent in acme and a machine account in globex: a script run
// with its output, hostile output shown as text, canceling a pending command of a suspended
// machine, putting and getting a file, and a user scoped to acme typing globex's machine URL.
describe('console: the Machine page', () => {
  const dir = tempDir('muster-machine-page-');
  const drop = join(dir.path, 'drop');
  let browser: Browser;
  let site: ConsoleServer;
  const agents: Proc[] = [];
  let acme: string;
  let globex: string;

  const enroll = async (name: string, group: string) => {
    const state = join(dir.path, name);
    const token = await site.server.installToken({ group, maxUses: 1 });
    const agent = startAgent(name, { stateDir: state, server: `127.0.0.1:${site.agentPort}`, token });
    agents.push(agent);
    // Generous: the shared test machine can be slow to start a process; the agent's log says why on failure.
    const id = await waitEnrolled(agent, state, 45_000);
    await site.server.waitForStatus(id, 'online');
    return id;
  };

  /** A signed-in tab on one machine's page, with every dialog recorded (none may open). */
  const openMachine = async (user: string, id: string, viewport?: { width: number; height: number }) => {
    const tab = await ConsoleTab.open(browser, site.baseUrl, viewport);
    const dialogs: string[] = [];
    tab.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Signed in on the machine's own address: the page is the first one shown, as when a link
    // to it is followed, and no other page's requests run in the tab.
    await tab.page.goto(`/machines/${encodeURIComponent(id)}`);
    await tab.signIn(user, PASSWORD);
    return { tab, page: tab.page, dialogs };
  };

  /** Runs a script from the page; answers once its detail shows it finished. */
  const runScript = async (page: Page, script: string, status = 'complete') => {
    await page.getByLabel('Script', { exact: true }).fill(script);
    await page.getByRole('button', { name: 'Run script' }).click();
    const detail = page.locator('.command-detail');
    await detail.locator(`h3 [data-status="${status}"]`).waitFor({ timeout: 20_000 });
    return detail;
  };

  before(async () => {
    mkdirSync(drop);
    [browser, site] = await launchBrowserAndSite();
    // globex's machine needs no agent: an install token with a fixed name makes its account.
    await site.server.installToken({ group: 'web.globex', machineName: 'b1' });
    globex = 'b1.web.globex';
    assert.ok(await site.server.machine(globex), 'the globex machine exists');
    acme = await enroll('a1', 'web.acme');
    await site.createUser(ADMIN, PASSWORD, [{ role: 'master', scope: 'master' }]);
    const role = await site.server.api.post('/roles', {
      name: 'technician',
      permissions: ['machines.view', 'commands.run', 'commands.run-shell'],
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const scope = await site.server.api.post('/scopes', {
      name: 'acme-only',
      entries: [{ kind: 'organization', id: 'acme', include: true }],
    });
    assert.equal(scope.status, 201, JSON.stringify(scope.body));
    await site.createUser(TECH, PASSWORD, [{ role: 'technician', scope: 'acme-only' }]);
  });
  after(async () => {
    await browser?.close();
    await Promise.all(agents.map((a) => a.stop()));
    await site?.close();
    dir.cleanup();
  });

  it('runs a script on the agent and shows its status going to complete with its output and who queued it', async () => {
    const { tab, page } = await openMachine(ADMIN, acme);
    await page.getByRole('heading', { level: 1, name: acme }).waitFor();
    assert.match((await page.getByTestId('machine-status').textContent()) ?? '', /Online/);
    // The audit the agent sent on its first connection.
    await page.getByRole('region', { name: 'Audit' }).getByText('Host name').waitFor();
    const detail = await runScript(page, 'echo hello-from-agent');
    assert.equal((await detail.locator('pre.command-output').textContent())?.trim(), 'hello-from-agent');
    // The status changes arrived live: pending or processing were seen before complete.
    const seen = await detail.getByRole('list', { name: 'Status changes' }).locator('[data-status]').all();
    const statuses = await Promise.all(seen.map((s) => s.getAttribute('data-status')));
    assert.ok(statuses.includes('processing') && statuses.at(-1) === 'complete', statuses.join(','));
    const row = page
      .getByRole('table', { name: 'Command history' })
      .getByRole('row', { name: /hello-from-agent/ });
    assert.match((await row.textContent()) ?? '', /Complete.*olivia/);
    const queued = row.locator('time').first();
    assert.match(
      (await queued.getAttribute('title')) ?? '',
      /^\d{4}-\d\d-\d\dT.*Z$/,
      'the ISO time is its title',
    );
    tab.assertClean();
    await tab.close();
  });

  it('shows output full of HTML as text: no element is made of it and no script runs', async () => {
    const { tab, page, dialogs } = await openMachine(ADMIN, acme);
    const detail = await runScript(page, `printf '%s\\n' '${HOSTILE}'`);
    const output = detail.locator('pre.command-output');
    assert.equal((await output.textContent())?.trim(), HOSTILE);
    assert.equal(await output.locator('img, b').count(), 0);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(dialogs, []);
    tab.assertClean();
    await tab.close();
  });

  it('suspends the machine, cancels a command left pending for it, and resumes it', async () => {
    const { tab, page } = await openMachine(ADMIN, acme);
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByRole('img', { name: /^Suspended/ }).waitFor();
    await runScript(page, 'echo never-runs', 'pending');
    const pending = page.getByRole('table', { name: 'Pending procedures' });
    await pending
      .getByRole('row', { name: /never-runs/ })
      .getByText('Pending')
      .waitFor();
    await page.getByRole('button', { name: 'Cancel shell echo never-runs' }).click();
    const canceled = page
      .getByRole('table', { name: 'Command history' })
      .getByRole('row', { name: /never-runs/ });
    await canceled.getByText('Canceled').waitFor();
    assert.equal(await pending.count(), 0, 'nothing is left pending');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('img', { name: /^Online/ }).waitFor();
    const server = (await site.server.api.get(`/machines/${acme}/commands`)).body as {
      items: Array<{ params: { script?: string }; status: string }>;
    };
    assert.deepEqual(
      server.items.filter((c) => c.params.script === 'echo never-runs').map((c) => c.status),
      ['canceled'],
    );
    tab.assertClean();
    await tab.close();
  });

  it('edits check-in control: a bare name is refused, a new period is pending in red until the agent confirms it', async () => {
    const { tab, page } = await openMachine(ADMIN, acme);
    const panel = page.getByRole('region', { name: 'Check-in control' });
    await panel.getByRole('button', { name: 'Edit check-in control' }).click();
    await panel.getByLabel('Primary host').fill('kserver');
    await panel.getByRole('button', { name: 'Update' }).click();
    assert.match((await panel.getByRole('alert').textContent()) ?? '', /bare computer name/);
    await panel.getByLabel('Primary host').fill('127.0.0.1');
    // Suspended, the agent gets no procedures: the new period stays unconfirmed until resumed.
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByRole('img', { name: /^Suspended/ }).waitFor();
    await panel.getByLabel(/^Check-In Period/).fill('20');
    await panel.getByRole('button', { name: 'Update' }).click();
    await panel.locator('dd.pending', { hasText: '20 s' }).waitFor();
    await panel.getByText('Pending: not yet confirmed by the agent.').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    // Confirmed by the agent and shown without a reload (the machine's live event).
    await panel.locator('dd.pending').first().waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(await panel.locator('dd', { hasText: '20 s' }).count(), 1);
    const machine = await site.server.machine(acme);
    assert.equal(machine?.checkinControl.periodSeconds, 20);
    assert.equal(machine?.checkinControl.primary.host, '127.0.0.1', 'the refused name changed nothing');
    tab.assertClean();
    await tab.close();
  });

  it('puts a file on the machine and gets one from it', async () => {
    const { tab, page } = await openMachine(ADMIN, acme);
    await page.getByLabel('File to send').setInputFiles({
      name: 'note.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('put by the console\n'),
    });
    await page.getByLabel(/^Destination path/).fill(`${drop}/`);
    await page.getByRole('button', { name: 'Put file' }).click();
    await page.locator('.command-detail h3 [data-status="complete"]').waitFor({ timeout: 20_000 });
    assert.equal(readFileSync(join(drop, 'note.txt'), 'utf8'), 'put by the console\n');

    const source = join(dir.path, 'report.txt');
    writeFileSync(source, 'fetched from the agent\n');
    await page.getByLabel('Path on the machine').fill(source);
    await page.getByRole('button', { name: 'Get file' }).click();
    const link = page.getByRole('link', { name: 'Download the fetched file' });
    await link.waitFor({ timeout: 20_000 });
    const download = await page.request.get((await link.getAttribute('href')) ?? '');
    assert.equal(download.status(), 200);
    assert.equal(await download.text(), 'fetched from the agent\n');
    tab.assertClean();
    await tab.close();
  });

  it("a user scoped to acme typing globex's machine URL sees Not found, nothing of it, and only 404s", async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    const answers: Array<{ url: string; status: number }> = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/machines/')) answers.push({ url: r.url(), status: r.status() });
    });
    // The acme machine opens (the page works for this user)…
    await page.goto(`/machines/${acme}`);
    await tab.signIn(TECH, PASSWORD);
    await page.getByRole('heading', { level: 1, name: acme }).waitFor();
    await page.getByRole('button', { name: 'Run script' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Suspend' }).count(), 0, 'no machines.manage');
    // …globex's reads as not found.
    await page.goto(`/machines/${globex}`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    assert.doesNotMatch(text, /globex/i);
    const forGlobex = answers.filter((a) => a.url.includes(encodeURIComponent(globex)));
    assert.ok(forGlobex.length > 0, 'the page asked the API');
    assert.deepEqual(
      forGlobex.map((a) => a.status),
      forGlobex.map(() => 404),
    );
    tab.assertClean();
    await tab.close();
  });

  it("a user scoped to acme never sees globex's machine in the lists: Machines, its search, Check-In Control and its filter", async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    // Every list answer the pages get, read whole as it arrives: globex must not be in any of
    // them. The pages are reached by the menu, never by a new navigation, so no body is dropped
    // by the browser before it was read (which failed this test once); a body that could not
    // be read still fails it, with the address.
    const bodies: Array<Promise<string>> = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname !== '/api/v1/machines') return;
      bodies.push(
        r.text().then(
          (body) => body,
          // Kept as a text the assertions below fail on, not a rejection no one awaits yet.
          (error: unknown) => `unread: the body of ${r.url()} could not be read: ${String(error)}`,
        ),
      );
    });
    const rows = page.locator('tr[data-machine]');
    const listed = async () => Promise.all((await rows.all()).map((r) => r.getAttribute('data-machine')));
    await tab.signIn(TECH, PASSWORD);

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Machines' }).click();
    await page.getByRole('heading', { name: 'Machines' }).waitFor();
    await rows.first().waitFor();
    assert.deepEqual(await listed(), [acme]);
    // Searched on the server by globex's name and by its machine name: nothing.
    for (const word of ['globex', 'b1']) {
      const answered = page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/api/v1/machines' && r.url().includes(`search=${word}`),
      );
      await page.getByLabel('Search').fill(word);
      assert.equal((await answered).status(), 200);
      await page.getByText('No machine matches the filter and search.').waitFor();
      assert.equal(await rows.count(), 0, `searching ${word}`);
      await page.getByLabel('Search').fill('');
      await rows.first().waitFor();
    }

    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Check-In Control' })
      .click();
    await page.getByRole('heading', { name: 'Check-In Control' }).waitFor();
    await rows.first().waitFor();
    assert.deepEqual(await listed(), [acme]);
    // The group filter naming globex's group matches nothing this user may see.
    await page.getByLabel('Machine ID / Group ID filter').fill('*.globex');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByText('No machine matches the filter “*.globex”.').waitFor();
    assert.equal(await rows.count(), 0);
    await page.getByRole('button', { name: 'Clear filter' }).click();
    await rows.first().waitFor();

    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /b1\.web/);
    const answers = await Promise.all(bodies);
    assert.ok(answers.length >= 5, `the pages asked the server (${answers.length} answers)`);
    for (const body of answers) {
      assert.doesNotMatch(body, /^unread: /);
      assert.doesNotMatch(body, /b1\.web\.globex/);
    }
    tab.assertClean();
    await tab.close();
  });

  it('works on a phone by keyboard: the page fits the width and a script runs from the keyboard', async () => {
    const { tab, page } = await openMachine(ADMIN, acme, PHONE);
    await page.getByRole('heading', { level: 1, name: acme }).waitFor();
    await page.getByLabel('Script', { exact: true }).focus();
    await page.keyboard.type('echo typed');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('.command-detail h3 [data-status="complete"]').waitFor({ timeout: 20_000 });
    assert.equal((await page.locator('pre.command-output').textContent())?.trim(), 'typed');
    // A string: the e2e code is typechecked without the DOM's types.
    const widths = (await page.evaluate(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    )) as number[];
    assert.ok(
      (widths[0] ?? 0) <= (widths[1] ?? 0),
      `the page is ${widths[0]} px wide on a ${widths[1]} px screen`,
    );
    tab.assertClean();
    await tab.close();
  });

  it('filters, searches and sorts the command history on the server', async () => {
    const { tab, page } = await openMachine(ADMIN, acme);
    await runScript(page, 'exit 3', 'failed');
    /** Waits for the history's answer to a query with these parameters, as `act` sends it. */
    const answered = async (want: Record<string, string>, act: () => Promise<void>) => {
      const response = page.waitForResponse((r) => {
        const url = new URL(r.url());
        return (
          url.pathname.endsWith('/commands') &&
          url.searchParams.get('limit') === '25' &&
          Object.entries(want).every(([k, v]) => url.searchParams.get(k) === v)
        );
      });
      await act();
      assert.equal((await response).status(), 200);
      await page.locator('table[aria-label="Command history"][aria-busy="false"]').waitFor();
    };
    const history = page.getByRole('table', { name: 'Command history' });
    const status = page.getByRole('combobox', { name: 'Status', exact: true });
    await answered({ status: 'failed' }, async () => {
      await status.selectOption('failed');
    });
    const cells = await history.locator('tbody [data-status]').all();
    const statuses = await Promise.all(cells.map((c) => c.getAttribute('data-status')));
    assert.ok(statuses.length > 0);
    assert.deepEqual([...new Set(statuses)], ['failed']);
    assert.equal(await history.getByRole('row', { name: /exit 3/ }).count(), 1);

    await status.selectOption('');
    await answered({ search: 'put-file' }, () => page.getByLabel('Type contains').fill('put-file'));
    await history.getByRole('row', { name: /exit 3/ }).waitFor({ state: 'detached' });
    assert.equal(await history.getByRole('row', { name: /note\.txt/ }).count(), 1);

    await page.getByLabel('Type contains').fill('');
    await answered({ sort: 'status', order: 'asc' }, () =>
      history.getByRole('button', { name: 'Status' }).click(),
    );
    assert.equal(await history.locator('th[aria-sort="ascending"]').textContent(), 'Status ▲');
    tab.assertClean();
    await tab.close();
  });

  it('keeps the check-in history: a killed agent ends its connection live, and a reload after its restart shows both', async () => {
    const { tab, page } = await openMachine(ADMIN, acme);
    const history = page.getByRole('table', { name: 'Check-in history' });
    const rows = history.getByTestId('checkin-history-row');
    // The connection the agent made at enrollment, open since.
    await rows.first().waitFor();
    assert.equal(await rows.first().getAttribute('data-open'), 'true');
    const before = await rows.count();
    let reloads = 0;
    page.on('framenavigated', () => reloads++);
    // A crash: no close frame, so the server sees the connection lost.
    await agents[0]?.stop('SIGKILL');
    await page.getByRole('img', { name: /^Offline/ }).waitFor({ timeout: 20_000 });
    // The end is written with the server's next batch, and the panel reads it again by itself.
    await history.locator('tr[data-open="false"]', { hasText: 'connection lost' }).first().waitFor({
      timeout: 10_000,
    });
    assert.equal(await history.locator('tr[data-open="true"]').count(), 0, 'no connection is open');
    assert.equal(reloads, 0, 'shown without a reload');

    const again = startAgent('a1', { stateDir: join(dir.path, 'a1'), server: `127.0.0.1:${site.agentPort}` });
    agents[0] = again;
    await site.server.waitForStatus(acme, 'online');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: acme }).waitFor();
    await rows.nth(before).waitFor();
    assert.equal(await rows.count(), before + 1, 'one more connection');
    const [open, lost] = [rows.nth(0), rows.nth(1)];
    assert.equal(await open.getAttribute('data-open'), 'true', 'the newest is the agent connected now');
    assert.match((await open.textContent()) ?? '', /connected now.*127\.0\.0\.1/);
    assert.equal(await lost.getAttribute('data-open'), 'false');
    const lostText = (await lost.textContent()) ?? '';
    assert.match(lostText, /127\.0\.0\.1/);
    assert.match(lostText, /connection lost/);
    // Counted in the agent's session on the server and written once, with the end.
    const count = Number(await lost.getByTestId('checkin-history-count').textContent());
    assert.ok(count >= 1, `the lost connection's check-ins: ${count}`);
    const stored = await site.server.api.get(`/machines/${acme}/checkin-history?limit=2`);
    assert.equal(stored.status, 200);
    const [newest, ended] = (stored.body as { items: unknown[] }).items as Array<{
      endReason: string | null;
      checkins: number | null;
    }>;
    assert.deepEqual(
      [newest?.endReason, ended?.endReason, ended?.checkins],
      [null, 'connection-lost', count],
    );
    tab.assertClean();
    await tab.close();
  });

  // Last: it stops the agent the other tests use.
  it('shows the machine going offline when its agent stops, without a reload', async () => {
    const { tab, page } = await openMachine(ADMIN, acme);
    await page.getByRole('img', { name: /^Online/ }).waitFor();
    let reloads = 0;
    page.on('framenavigated', () => reloads++);
    await agents[0]?.stop();
    await page.getByRole('img', { name: /^Offline/ }).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('machine-status').textContent(), 'Offline');
    assert.equal(reloads, 0, 'the page was not reloaded');
    tab.assertClean();
    await tab.close();
  });
});

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Proc, startAgent, tempDir, waitEnrolled, waitFor } from '../support/harness';
import { launchBrowserAndSite } from './support/browser-and-site';
import { ConsoleTab, PHONE } from './support/chromium';
import type { ConsoleServer } from './support/console-server';
import { assertNoPageOverflow, focused, tabUntil } from './support/page-checks';

const ADMIN = 'olivia';
const OPERATOR = 'omar';
const PASSWORD = 'correct horse battery';

interface SessionJson {
  id: string;
  user: string;
  live: boolean;
  endReason: string | null;
}

/** The text the terminal (or player) shows now: its rows, as the DOM renderer draws them. */
const screenText = async (page: Page, testId: string) =>
  // biome-ignore lint/performance/useDomNodeTextContent: the rows are divs; innerText breaks the line between them.
  (await page.getByTestId(testId).locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');

/** Waits until the screen shows text matching `pattern`; answers the match. */
async function waitForScreen(page: Page, testId: string, pattern: RegExp): Promise<RegExpMatchArray> {
  let last = '';
  try {
    return await waitFor(
      `${testId} showing ${pattern}`,
      async () => {
        last = await screenText(page, testId);
        return last.match(pattern);
      },
      20_000,
    );
  } catch (error) {
    throw new Error(`${String(error)}\nthe screen showed:\n${last}`);
  }
}

// The remote terminal in real Chromium against a real server and a real agent: opened from the
// Machine page, a typed command and its output, a resize of the window reaching the shell,
// copy and paste, the recorded notice, the exit; the session on the Terminal sessions page and
// its recording replayed; and an administrator ending another person's live session.
describe('console: the remote terminal', () => {
  const dir = tempDir('muster-terminal-page-');
  let browser: Browser;
  let site: ConsoleServer;
  let agent: Proc;
  let machine: string;

  const sessions = async () =>
    ((await site.server.api.get(`/terminal-sessions?machineId=${machine}`)).body as { items: SessionJson[] })
      .items;

  /** A signed-in tab on the machine's page, with the terminal opened from it. */
  const openTerminal = async (user: string) => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    await tab.page.goto(`/machines/${encodeURIComponent(machine)}`);
    await tab.signIn(user, PASSWORD);
    await tab.page.getByRole('button', { name: 'Open terminal' }).click();
    await tab.page
      .getByTestId('terminal-state')
      .getByText(/^Connected/)
      .waitFor({ timeout: 20_000 });
    return tab;
  };

  before(async () => {
    [browser, site] = await launchBrowserAndSite();
    const token = await site.server.installToken({ group: 'web.acme', maxUses: 1 });
    const state = join(dir.path, 'agent');
    // The shell starts in an empty home: this machine's own ~/.bashrc can hang a login shell.
    const home = join(dir.path, 'home');
    mkdirSync(home);
    agent = startAgent('t1', {
      stateDir: state,
      server: `127.0.0.1:${site.agentPort}`,
      token,
      env: { HOME: home },
    });
    machine = await waitEnrolled(agent, state, 45_000);
    await site.server.waitForStatus(machine, 'online');
    await site.createUser(ADMIN, PASSWORD, [{ role: 'master', scope: 'master' }]);
    const role = await site.server.api.post('/roles', {
      name: 'operator',
      permissions: ['machines.view', 'remote.terminal'],
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    await site.createUser(OPERATOR, PASSWORD, [{ role: 'operator', scope: 'master' }]);
  });
  after(async () => {
    await browser?.close();
    await agent?.stop();
    await site?.close();
    dir.cleanup();
  });

  it('opens a terminal from the machine page: a command runs, the window resizes the shell, copy and paste work, the exit is said', async () => {
    const tab = await openTerminal(ADMIN);
    const { page } = tab;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.baseUrl });
    // Recorded, keystrokes included (the server's default), as the session message said.
    assert.equal(
      await page.getByTestId('recorded-notice').textContent(),
      'This session is recorded: what the terminal shows and what you type.',
    );
    // The terminal has the keyboard once it opened.
    await page.keyboard.type('echo hi-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'terminal-screen', /^hi-42\s*$/m);
    // MUSTER_TERMINAL_SCREENSHOT=docs/screenshots/terminal.png takes the README's picture here.
    const screenshot = process.env.MUSTER_TERMINAL_SCREENSHOT;
    if (screenshot) {
      await page.keyboard.type('ls -l /usr');
      await page.keyboard.press('Enter');
      await waitForScreen(page, 'terminal-screen', /^total \d+/m);
      await page.getByRole('heading', { name: 'Terminal' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshot });
    }

    // The shell's size is the terminal's, and follows the window.
    const size = async () => {
      await page.keyboard.type('echo size-$(stty size | tr " " x)');
      await page.keyboard.press('Enter');
    };
    const rowsShown = () => page.getByTestId('terminal-screen').locator('.xterm-rows > div').count();
    await size();
    const before = await waitForScreen(page, 'terminal-screen', /^size-(\d+)x(\d+)\s*$/m);
    assert.equal(Number(before[1]), await rowsShown(), 'stty rows are the rows on screen');
    await page.setViewportSize({ width: 900, height: 560 });
    await page.keyboard.type('clear');
    await page.keyboard.press('Enter');
    await waitFor(
      'the screen cleared',
      async () => !(await screenText(page, 'terminal-screen')).includes('hi-42'),
    );
    await size();
    const afterResize = await waitForScreen(page, 'terminal-screen', /^size-(\d+)x(\d+)\s*$/m);
    assert.ok(
      Number(afterResize[1]) < Number(before[1]) && Number(afterResize[2]) < Number(before[2]),
      `the shell got the smaller size: ${before[0]} then ${afterResize[0]}`,
    );
    assert.equal(Number(afterResize[1]), await rowsShown(), 'stty rows are the rows on screen');

    // Copy: a word selected in the terminal (double-click) goes to the clipboard with Ctrl+Shift+C.
    await page.keyboard.type('echo copy-me-$((1+1))');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'terminal-screen', /^copy-me-2\s*$/m);
    const row = page
      .getByTestId('terminal-screen')
      .locator('.xterm-rows > div')
      .filter({ hasText: /^copy-me-2\s*$/ });
    await row.dblclick({ position: { x: 12, y: 6 }, force: true });
    await page.keyboard.press('Control+Shift+C');
    await waitFor(
      'the selection on the clipboard',
      async () => (await page.evaluate('navigator.clipboard.readText()')) === 'copy-me-2',
    );
    // Paste: the clipboard goes to the shell as input.
    await page.evaluate('navigator.clipboard.writeText("echo pasted-$((2+3))")');
    await page.getByRole('button', { name: 'Paste' }).click();
    // The paste is on the command line, not run yet (bracketed paste), and the keyboard is back in
    // the terminal: Enter runs it.
    await waitForScreen(page, 'terminal-screen', /echo pasted-\$\(\(2\+3\)\)\s*$/m);
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'terminal-screen', /^pasted-5\s*$/m);

    await page.keyboard.type('exit 3');
    await page.keyboard.press('Enter');
    await page.getByTestId('terminal-state').getByText('The shell exited with code 3.').waitFor();
    tab.assertClean();
    await tab.close();
  });

  it('lists the ended session on the Terminal sessions page and replays its recording', async () => {
    const ended = await waitFor('a recorded session', async () =>
      (await sessions()).find((s) => !s.live && s.endReason === 'exit'),
    );
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await tab.signIn(ADMIN, PASSWORD);
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Terminal sessions' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Terminal sessions' }).waitFor();
    const row = page
      .getByRole('table', { name: 'Recorded sessions' })
      .locator(`tr[data-session="${ended.id}"]`);
    assert.match((await row.textContent()) ?? '', new RegExp(`${machine}.*${ADMIN}.*shell exited`));
    await row.getByRole('button', { name: /^Replay/ }).click();
    // Played with its timing: hi-42 came seconds before the exit, so the player is still playing
    // when it shows; paused, it stays where it is; Jump to end writes the rest at once.
    await waitForScreen(page, 'player-screen', /^hi-42\s*$/m);
    const position = page.getByTestId('player-position');
    assert.match((await position.textContent()) ?? '', /^Playing/);
    await page.getByRole('button', { name: 'Pause' }).click();
    const paused = (await position.textContent()) ?? '';
    assert.match(paused, /^Paused: \d+\.\d s of \d+\.\d s$/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await position.textContent(), paused, 'a paused player stays where it is');
    assert.doesNotMatch(await screenText(page, 'player-screen'), /^pasted-5/m);
    await page.getByRole('button', { name: 'Jump to end' }).click();
    await position.getByText(/^Finished/).waitFor();
    await waitForScreen(page, 'player-screen', /^pasted-5\s*$/m);
    tab.assertClean();
    await tab.close();
  });

  it('an administrator ends a live session from the sessions page; the person at the terminal reads that it ended', async () => {
    const operator = await openTerminal(OPERATOR);
    await operator.page.keyboard.type('echo still-here');
    await operator.page.keyboard.press('Enter');
    await waitForScreen(operator.page, 'terminal-screen', /^still-here\s*$/m);
    const live = await waitFor('the live session', async () =>
      (await sessions()).find((s) => s.live && s.user === OPERATOR),
    );

    const admin = await ConsoleTab.open(browser, site.baseUrl);
    await admin.page.goto('/terminal-sessions');
    await admin.signIn(ADMIN, PASSWORD);
    const row = admin.page
      .getByRole('table', { name: 'Live sessions' })
      .locator(`tr[data-session="${live.id}"]`);
    await row.getByRole('button', { name: `End ${OPERATOR}'s session on ${machine}` }).click();
    // A confirmation first.
    const dialog = admin.page.getByRole('dialog', { name: 'End this terminal session?' });
    await dialog.getByRole('button', { name: 'End session' }).click();
    await row.waitFor({ state: 'detached' });

    await operator.page
      .getByTestId('terminal-state')
      .getByText(/^The session ended: .*administrator/)
      .waitFor();
    const stored = await waitFor('the end stored', async () =>
      (await sessions()).find((s) => s.id === live.id && !s.live),
    );
    assert.equal(stored.endReason, 'ended-by-admin');
    await admin.page.getByRole('button', { name: 'Reload' }).click();
    await admin.page
      .getByRole('table', { name: 'Recorded sessions' })
      .locator(`tr[data-session="${live.id}"]`)
      .getByText(`ended by an administrator (${ADMIN})`)
      .waitFor();
    operator.assertClean();
    admin.assertClean();
    await operator.close();
    await admin.close();
  });

  it('works by keyboard alone: Tab to Open terminal, type in the shell, Ctrl+Shift+M out of it, close it', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await page.goto(`/machines/${encodeURIComponent(machine)}`);
    await tab.signIn(OPERATOR, PASSWORD);
    await page.getByRole('heading', { level: 1, name: machine }).waitFor();
    await tabUntil(page, 'Open terminal', (f) => f.text === 'Open terminal');
    await page.keyboard.press('Enter');
    await page
      .getByTestId('terminal-state')
      .getByText(/^Connected/)
      .waitFor({ timeout: 20_000 });
    // The keyboard is in the terminal: Tab goes to the shell, not to the next button.
    assert.equal((await focused(page)).label, 'Terminal input');
    await page.keyboard.type('echo keys-$((40+2))');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'terminal-screen', /^keys-42\s*$/m);
    await page.keyboard.press('Control+Shift+M');
    assert.equal((await focused(page)).text, 'Close terminal');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Open terminal' }).waitFor();
    assert.equal(await page.getByTestId('terminal-screen').count(), 0);
    // Closing the panel closed the session.
    await waitFor('the session closed by the user', async () =>
      (await sessions()).find((s) => s.user === OPERATOR && !s.live && s.endReason === 'closed'),
    );
    tab.assertClean();
    await tab.close();
  });

  it('says why no terminal opens when the machine’s remote control is disabled', async () => {
    const off = await site.server.api.put(`/machines/${machine}/remote-control`, { enabled: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    try {
      const tab = await ConsoleTab.open(browser, site.baseUrl);
      const { page } = tab;
      await page.goto(`/machines/${encodeURIComponent(machine)}`);
      await tab.signIn(OPERATOR, PASSWORD);
      const button = page.getByRole('button', { name: 'Open terminal' });
      await button.waitFor();
      assert.equal(await button.isDisabled(), true);
      assert.equal(
        await page.locator('#terminal-unavailable').textContent(),
        'A terminal needs remote control, which is disabled for this machine.',
      );
      tab.assertClean();
      await tab.close();
    } finally {
      await site.server.api.put(`/machines/${machine}/remote-control`, { enabled: true });
    }
  });

  it('fits a phone: the terminal and the sessions page never scroll the page sideways', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl, PHONE);
    const { page } = tab;
    await page.goto(`/machines/${encodeURIComponent(machine)}`);
    await tab.signIn(ADMIN, PASSWORD);
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await page
      .getByTestId('terminal-state')
      .getByText(/^Connected/)
      .waitFor({ timeout: 20_000 });
    await page.keyboard.type('echo size-$(stty size | tr " " x)');
    await page.keyboard.press('Enter');
    const phone = await waitForScreen(page, 'terminal-screen', /^size-(\d+)x(\d+)\s*$/m);
    assert.ok(Number(phone[2]) < 50, `a phone's terminal is narrow: ${phone[0]}`);
    // The terminal panel is inside the screen, and the page does not scroll sideways. (The
    // whole-page check is for the sessions page: the machine page's check-in history table
    // stands out of its box at 390 px, which is not the terminal's.)
    const panel = await page.getByRole('region', { name: 'Terminal' }).boundingBox();
    assert.ok(panel && panel.x >= 0 && panel.x + panel.width <= PHONE.width, JSON.stringify(panel));
    const widths = (await page.evaluate(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    )) as number[];
    assert.ok((widths[0] ?? 0) <= (widths[1] ?? 0), `the page is ${widths[0]} px wide on ${widths[1]} px`);
    await page.getByRole('button', { name: 'Close terminal' }).click();
    await page.goto('/terminal-sessions');
    await page
      .getByRole('table', { name: 'Recorded sessions' })
      .locator('tr[data-session]')
      .first()
      .waitFor();
    await assertNoPageOverflow(page);
    tab.assertClean();
    await tab.close();
  });
});

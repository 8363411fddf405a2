import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Starts headless Chromium the way this machine allows: as root it needs --no-sandbox, and the
 * closed network refuses Chromium's own background connections, so they are switched off.
 * Playwright never downloads a browser here: the system one is named.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

/** The two screen sizes every page must work at. */
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * A browser tab on the console that records what must never happen: an error in the browser's
 * console, an uncaught exception, a request answered 5xx. `assertClean` fails the test on any.
 */
export class ConsoleTab {
  readonly problems: string[] = [];

  private constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium logs every 4xx answer as a console error. A refusal the page expects and shows
      // (a wrong password's 401, a 404 of a machine out of scope) is not a fault of the page;
      // each test asserts what the page showed for it. 5xx answers are caught below.
      if (EXPECTED_REFUSAL.test(message.text())) return;
      this.problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`uncaught: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 500) this.problems.push(`${response.status()} from ${response.url()}`);
    });
  }

  /** Opens a new tab (its own cookies) at the console's start page. */
  static async open(
    browser: Browser,
    baseUrl: string,
    viewport: { width: number; height: number } = DESKTOP,
  ): Promise<ConsoleTab> {
    const context = await browser.newContext({ viewport, baseURL: baseUrl });
    const tab = new ConsoleTab(await context.newPage(), baseUrl);
    await tab.page.goto('/');
    return tab;
  }

  /** Signs in through the sign-in page; `totp` gives the code when the server asks for one. */
  async signIn(name: string, password: string, totp?: () => string): Promise<void> {
    const { page } = this;
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (totp) {
      await page.getByLabel('Authenticator code').fill(totp());
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.getByRole('navigation', { name: 'Pages', exact: true }).waitFor();
  }

  /** Fails with every problem seen so far. */
  assertClean(): void {
    if (this.problems.length > 0) throw new Error(`the browser saw problems:\n${this.problems.join('\n')}`);
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { launchBrowserAndSite } from './support/browser-and-site';
import { ConsoleTab, PHONE } from './support/chromium';
import type { ConsoleServer } from './support/console-server';

const PASSWORD = 'correct horse battery';

/** Opens the user menu (a <details>) unless it is open already. */
async function openUserMenu(page: Page, name: string): Promise<void> {
  const menu = page.locator('details.user-menu');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary', { hasText: name }).click();
}

/** Opens My account through the user menu, as a person would. */
async function openMyAccount(page: Page, name: string): Promise<void> {
  await openUserMenu(page, name);
  await page.getByRole('link', { name: 'My account' }).click();
  await page.getByRole('heading', { name: 'My account' }).waitFor();
}

/** Signs out through the user menu and waits for the sign-in page. */
async function signOut(page: Page, name: string): Promise<void> {
  await openUserMenu(page, name);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in to Muster' }).waitFor();
}

/** A six-digit code that is none of the codes the server accepts now (the step before, now, after). */
function wrongCode(totp: TOTP): string {
  const now = Date.now();
  const accepted = [-1, 0, 1].map((d) => totp.generate({ timestamp: now + d * 30_000 }));
  let n = Number(accepted[1]);
  let code: string;
  do {
    n = (n + 1) % 1_000_000;
    code = String(n).padStart(6, '0');
  } while (accepted.includes(code));
  return code;
}

/**
 * Waits, when the current 30-second step is nearly over, until the next one begins. A code of
 * the step before is accepted only while the server is still in this step; typed across the
 * edge it would arrive two steps old and be refused.
 */
async function clearOfStepEdge(marginMs = 8_000): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

// My account in a real Chromium against a real `muster server`: enrolling TOTP (QR code and
// secret) and signing in with it, changing the password, and signing out everywhere.
describe('console: my account', () => {
  let browser: Browser;
  let site: ConsoleServer;
  before(async () => {
    [browser, site] = await launchBrowserAndSite();
    // Plain viewers: My account is theirs whatever their roles.
    const viewer = await site.server.api.post('/roles', { name: 'viewer', permissions: ['machines.view'] });
    assert.equal(viewer.status, 201, JSON.stringify(viewer.body));
    const grants = [{ role: 'viewer', scope: 'master' }];
    await Promise.all([
      site.createUser('tessa', PASSWORD, grants),
      site.createUser('pavel', PASSWORD, grants),
      site.createUser('sofia', PASSWORD, grants),
    ]);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('enrolls TOTP from the QR page; signing in then needs the code, and a wrong code is refused', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await tab.signIn('tessa', PASSWORD);
    await openMyAccount(page, 'tessa');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();

    const secret = await page.getByLabel('Secret key').inputValue();
    const qr = await page.getByRole('img', { name: /QR code/ }).getAttribute('src');
    assert.match(qr ?? '', /^data:image\/png;base64,/, 'the QR code is an image made in the page');
    await page.getByText('Show the setup address').click();
    const uri = await page.getByLabel('Setup address').inputValue();
    assert.match(uri, /^otpauth:\/\/totp\/.*tessa/);
    assert.equal(
      new URL(uri).searchParams.get('secret'),
      secret,
      'the QR code and the text carry one secret',
    );
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });

    // A wrong code enrolls nothing, and the server's reason is shown.
    await page.getByLabel('Code from the app').fill(wrongCode(totp));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /does not match/);
    // The code of the step before (accepted for clock drift) leaves the current one unused for
    // the sign-in below: each code counts once.
    await clearOfStepEdge();
    await page.getByLabel('Code from the app').fill(totp.generate({ timestamp: Date.now() - 30_000 }));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('status').filter({ hasText: 'Two-step sign-in is on' }).waitFor();
    const stored = await site.server.api.get('/users/tessa');
    assert.equal((stored.body as { user: { totpEnrolled: boolean } }).user.totpEnrolled, true);

    await signOut(page, 'tessa');
    // The password alone now only brings the code field; a wrong code is refused in the server's words.
    await page.getByLabel('Name').fill('tessa');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authenticator code').fill(wrongCode(totp));
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /name, password or code is not right/);
    assert.equal(await page.getByRole('navigation', { name: 'Pages' }).count(), 0, 'still signed out');

    await page.goto('/');
    await tab.signIn('tessa', PASSWORD, () => totp.generate());
    await openMyAccount(page, 'tessa');
    await page.getByText('On: signing in asks for a code').waitFor();
    tab.assertClean();
    await tab.close();
  });

  it('changes the password: a wrong current one is refused, then the old one no longer signs in', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    const fresh = 'a brand new passphrase';
    await tab.signIn('pavel', PASSWORD);
    await openMyAccount(page, 'pavel');
    const form = page.getByRole('form', { name: 'Change my password' });

    await form.getByLabel('Current password').fill('not my password at all');
    await form.getByLabel('New password', { exact: true }).fill(fresh);
    await form.getByLabel('Repeat the new password').fill(fresh);
    await form.getByRole('button', { name: 'Change password' }).click();
    assert.match((await form.getByRole('alert').textContent()) ?? '', /current password is not right/);

    // Two different new passwords are caught before anything is sent.
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByLabel('Repeat the new password').fill(`${fresh}!`);
    await form.getByRole('button', { name: 'Change password' }).click();
    assert.match((await form.getByRole('alert').textContent()) ?? '', /differ/);

    await form.getByLabel('Repeat the new password').fill(fresh);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
    const again = page.getByRole('button', { name: 'Sign in with the new password' });
    // The server ends the user's sessions; if it kept this one, sign out by hand.
    if (await again.isVisible()) {
      await again.click();
      await page.getByRole('heading', { name: 'Sign in to Muster' }).waitFor();
    } else await signOut(page, 'pavel');

    await page.getByLabel('Name').fill('pavel');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /not right/);
    await tab.signIn('pavel', fresh);
    tab.assertClean();
    await tab.close();
  });

  it("signing out everywhere in one tab ends the other tab's session: its next action shows the sign-in page", async () => {
    const first = await ConsoleTab.open(browser, site.baseUrl);
    const second = await ConsoleTab.open(browser, site.baseUrl, PHONE);
    await first.signIn('sofia', PASSWORD);
    await second.signIn('sofia', PASSWORD);
    await openMyAccount(second.page, 'sofia');
    await openMyAccount(first.page, 'sofia');

    await first.page.getByRole('main').getByRole('button', { name: 'Sign out everywhere' }).click();
    await first.page.getByRole('heading', { name: 'Sign in to Muster' }).waitFor();

    // The second tab still shows its page until it asks the server for something.
    await second.page.getByRole('heading', { name: 'My account' }).waitFor();
    await second.page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await second.page.getByRole('heading', { name: 'Sign in to Muster' }).waitFor();
    assert.equal(await second.page.getByRole('navigation', { name: 'Pages' }).count(), 0);
    first.assertClean();
    second.assertClean();
    await first.close();
    await second.close();
  });
});

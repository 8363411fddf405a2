import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { freePort, type Proc, runMuster, tempDir, waitFor } from '../support/harness';
import { ConsoleTab, launchChromium, PHONE } from './support/chromium';
import { type ConsoleServer, startConsoleServer } from './support/console-server';
import { tabUntil } from './support/page-checks';

const PASSWORD = 'correct horse battery';
const WAKE_SECRET = 'browser-test-wake-secret';
const DEVICE = 'pixel-1.phones.acme';

/** What the functions sent into the page read (this program is compiled without the DOM types). */
interface BrowserGlobals {
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
}

// The Devices page with a simulated phone (muster device simulate, on @muster/device) whose push
// channel is the server's signed webhook: a command queued on the page stays pending until
// Request Checkin wakes the phone, then completes; what was sent and the check-in that followed
// are shown, with the locations the phone brought; settings changed on the page; and a user who
// may only look gets no button that changes anything.
describe('console: Devices', () => {
  const dir = tempDir('browser-devices');
  let browser: Browser;
  let site: ConsoleServer;
  let phone: Proc;

  before(async () => {
    const devicePort = await freePort();
    [browser, site] = await Promise.all([
      launchChromium(),
      startConsoleServer(['--device-port', String(devicePort), '--wake-webhook-secret', WAKE_SECRET]),
    ]);
    const token = await site.server.api.post('/device-enrollment-tokens', {
      group: 'phones.acme',
      platform: 'android',
    });
    assert.equal(token.status, 201, JSON.stringify(token.body));
    // A 720-minute interval at 60x is 12 minutes: the phone checks in at enrollment and then
    // only when woken. It takes a position fix every simulated minute (each second).
    phone = runMuster('phone', [
      'device',
      'simulate',
      '--server',
      `https://127.0.0.1:${devicePort}`,
      '--token',
      (token.body as { token: string }).token,
      '--platform',
      'android',
      '--name-prefix',
      'pixel',
      '--state',
      join(dir.path, 'phone'),
      '--ca',
      join(site.server.options.dataDir, 'tls-cert.pem'),
      '--server-name',
      'muster-server',
      '--wake-port',
      String(await freePort()),
      '--webhook-secret',
      WAKE_SECRET,
      '--tracking',
      '--time-scale',
      '60',
      '--location-every',
      '1',
    ]);
    await waitFor(
      'the phone enrolled and checked in',
      async () => {
        const d = await site.server.api.get(`/devices/${DEVICE}`);
        return d.status === 200 && (d.body as { lastCheckinAt: string | null }).lastCheckinAt !== null;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${phone.output()}`);
    });
    await site.createUser('dana', PASSWORD, [{ role: 'master', scope: 'master' }]);
    const role = await site.server.api.post('/roles', {
      name: 'device-viewer',
      permissions: ['devices.view'],
    });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    await site.createUser('vic', PASSWORD, [{ role: 'device-viewer', scope: 'master' }]);
  });
  after(async () => {
    await browser?.close();
    await phone?.stop();
    await site?.close();
    dir.cleanup();
  });

  it('a command queued on the page waits as pending; Request Checkin wakes the phone and it completes', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await tab.signIn('dana', PASSWORD);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Devices' }).click();
    // Searched on the server: a word of nothing shows nothing; the model finds the phone.
    await page.getByLabel('Search').fill('no-such-phone');
    await page.getByText('No device matches the filter and search.').waitFor();
    await page.getByLabel('Search').fill('pixel 9');
    await page.getByRole('table', { name: 'Devices' }).getByRole('link', { name: DEVICE }).click();
    const status = page.getByRole('region', { name: `Device Status: ${DEVICE}` });
    await status.waitFor();
    assert.match((await status.getByText(/^Signed webhook$/).textContent()) ?? '', /webhook/);
    const lastCheckin = await status.locator('[data-field="last-checkin"] time').getAttribute('datetime');

    // Sent as text: a device shows what it is given, and so does the page.
    const text = 'Back up <b>now</b>';
    await status.getByLabel('Command', { exact: true }).selectOption('message');
    await status.getByLabel('Message').fill(text);
    await status.getByRole('button', { name: 'Queue command' }).click();
    await status.getByRole('status').filter({ hasText: 'Queued “message”' }).waitFor();
    assert.equal(
      await status.getByRole('button', { name: 'Command Status' }).getAttribute('aria-expanded'),
      'true',
    );
    const pending = status
      .getByRole('table', { name: 'Pending commands' })
      .getByRole('row')
      .filter({ hasText: text });
    await pending.getByRole('cell', { name: 'pending', exact: true }).waitFor();
    assert.equal(await status.locator('b').count(), 0, 'the message is not markup');
    // It stays pending: the phone checks in only when woken.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await pending.count(), 1);

    await status.getByRole('button', { name: 'Request Checkin' }).click();
    await status
      .getByRole('status')
      .filter({ hasText: /^Check-in requested: a signed wake-up request/ })
      .waitFor();
    const wake = status.getByRole('table', { name: 'Check-in requests' }).getByRole('row').nth(1);
    await wake.getByRole('cell', { name: 'Signed webhook' }).waitFor();
    await wake.getByRole('cell', { name: 'Sent', exact: true }).waitFor({ timeout: 20_000 });
    // The check-in the wake brought is recorded against it, and the command ran at it.
    await wake.locator('time').nth(2).waitFor({ timeout: 20_000 });
    const done = status
      .getByRole('table', { name: 'Past commands' })
      .getByRole('row')
      .filter({ hasText: text });
    await done.getByRole('cell', { name: 'complete', exact: true }).waitFor({ timeout: 20_000 });
    assert.equal(await pending.count(), 0, 'no longer pending');
    await done.getByRole('button', { name: /^Times of message/ }).click();
    const steps = status.getByRole('list', { name: /^Status changes of / }).getByRole('listitem');
    await steps.filter({ hasText: 'complete' }).waitFor();
    const changes = await steps.allTextContents();
    assert.deepEqual(
      changes.map((c) => c.split(' — ')[1]?.split(':')[0]),
      ['pending', 'processing', 'complete'],
    );
    await waitFor('a newer last check-in shown', async () => {
      const shown = await status.locator('[data-field="last-checkin"] time').getAttribute('datetime');
      return shown !== null && shown !== lastCheckin;
    });
    // The fixes the phone took since enrolling came with that check-in.
    await status
      .getByRole('table', { name: 'Recent locations' })
      .getByRole('link', { name: /^Map of / })
      .first()
      .waitFor();
    const wakes = (await site.server.api.get(`/devices/${DEVICE}/wakes`)).body as {
      items: Array<{ channel: string; status: string; checkinAt: string | null }>;
    };
    assert.equal(wakes.items[0]?.channel, 'webhook');
    assert.equal(wakes.items[0]?.status, 'sent');
    assert.ok(wakes.items[0]?.checkinAt);
    tab.assertClean();
    await tab.close();
  });

  it('saves a check-in interval by keyboard alone (Tab to the field, type, Enter)', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await tab.signIn('dana', PASSWORD);
    await page.goto(`/devices?device=${DEVICE}`);
    const status = page.getByRole('region', { name: `Device Status: ${DEVICE}` });
    await status.getByRole('button', { name: 'Save settings' }).waitFor();
    // The field is empty (the group's interval) until the device has its own.
    await tabUntil(page, 'the interval field', (f) => f.label === 'Check-in interval (minutes)', {
      limit: 120,
    });
    await page.keyboard.type('30');
    await page.keyboard.press('Enter');
    await status
      .getByRole('status')
      .filter({ hasText: /^Saved\./ })
      .waitFor();
    const device = (await site.server.api.get(`/devices/${DEVICE}`)).body as {
      checkinIntervalMinutes: number;
    };
    assert.equal(device.checkinIntervalMinutes, 30);
    tab.assertClean();
    await tab.close();
  });

  it('changes the check-in interval and tracking on the page', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl);
    const { page } = tab;
    await tab.signIn('dana', PASSWORD);
    await page.goto(`/devices?device=${DEVICE}`);
    const status = page.getByRole('region', { name: `Device Status: ${DEVICE}` });
    await status.getByLabel('Check-in interval (minutes)').fill('0');
    await status.getByRole('button', { name: 'Save settings' }).click();
    await status
      .getByRole('alert')
      .filter({ hasText: /from 1 to 10080/ })
      .waitFor();
    await status.getByLabel('Check-in interval (minutes)').fill('60');
    await status.getByLabel('Tracking', { exact: true }).selectOption('off');
    await status.getByRole('button', { name: 'Save settings' }).click();
    await status
      .getByRole('status')
      .filter({ hasText: /^Saved\./ })
      .waitFor();
    await status.getByText('60 min (1 h)').waitFor();
    const device = (await site.server.api.get(`/devices/${DEVICE}`)).body as {
      checkinIntervalMinutes: number;
      tracking: boolean;
    };
    assert.deepEqual([device.checkinIntervalMinutes, device.tracking], [60, false]);
    await status.getByText('Tracking is off: the device sends no locations').waitFor();
    tab.assertClean();
    await tab.close();
  });

  it('someone who may only look at devices gets no button that changes anything, at phone width too', async () => {
    const tab = await ConsoleTab.open(browser, site.baseUrl, PHONE);
    const { page } = tab;
    await tab.signIn('vic', PASSWORD);
    await page.goto(`/devices?device=${DEVICE}`);
    const status = page.getByRole('region', { name: `Device Status: ${DEVICE}` });
    await status
      .getByRole('table', { name: 'Check-in requests' })
      .getByRole('cell', { name: 'Signed webhook' })
      .waitFor();
    for (const name of ['Request Checkin', 'Queue command', 'Save settings', 'Command Status'])
      assert.equal(await status.getByRole('button', { name }).count(), 0, `no ${name} button`);
    assert.equal(await status.getByLabel('Tracking', { exact: true }).isDisabled(), true);
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as BrowserGlobals;
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    tab.assertClean();
    await tab.close();
  });
});

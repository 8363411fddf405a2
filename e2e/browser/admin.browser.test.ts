import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page, Route } from 'playwright-core';
import { waitFor } from '../support/harness';
import { launchBrowserAndSite } from './support/browser-and-site';
import { ConsoleTab } from './support/chromium';
import type { ConsoleServer } from './support/console-server';
import { tabUntil } from './support/page-checks';

const PASSWORD = 'correct horse battery';

/** Opens a section of Administration by its tab. */
async function openSection(page: Page, title: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Administration sections' })
    .getByRole('link', { name: title })
    .click();
  await page.getByRole('heading', { level: 2, name: title }).waitFor();
}

// Administration in a real Chromium against a real `muster server`: people (role, user with a
// pair), the audit log and its verification, API tokens shown once, who sees the page at all,
// and Change ID behind its confirmation.
describe('console: administration', () => {
  let browser: Browser;
  let site: ConsoleServer;
  let tab: ConsoleTab;
  const api = () => site.server.api;
  before(async () => {
    [browser, site] = await launchBrowserAndSite();
    for (const [path, body] of [
      ['/roles', { name: 'viewer', permissions: ['machines.view'] }],
      ['/roles', { name: 'auditor', permissions: ['audit.view'] }],
      // A scope that holds nothing: audit.view there is not audit.view on everything.
      ['/scopes', { name: 'none', entries: [] }],
    ] as const) {
      const made = await api().post(path, body);
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }
    await Promise.all([
      site.createUser('ada', PASSWORD, [{ role: 'master', scope: 'master' }]),
      site.createUser('nina', PASSWORD, [{ role: 'viewer', scope: 'master' }]),
      site.createUser('audra', PASSWORD, [{ role: 'auditor', scope: 'none' }]),
    ]);
    tab = await ConsoleTab.open(browser, site.baseUrl);
    await tab.signIn('ada', PASSWORD);
  });
  after(async () => {
    await tab?.close();
    await browser?.close();
    await site?.close();
  });

  it('creates a role and a user with a (role, scope) pair; the audit log shows it and verifies OK', async () => {
    const { page } = tab;
    await page
      .getByRole('navigation', { name: 'Pages', exact: true })
      .getByRole('link', { name: 'Administration' })
      .click();
    await page.getByRole('heading', { level: 2, name: 'Users' }).waitFor();

    await openSection(page, 'Roles');
    await page.getByRole('button', { name: 'New role' }).click();
    const roleForm = page.getByRole('form', { name: 'New role' });
    await roleForm.getByLabel('Role name').fill('technician');
    await roleForm.getByRole('checkbox', { name: 'machines.view', exact: true }).check();
    await roleForm.getByRole('checkbox', { name: 'commands.run', exact: true }).check();
    await roleForm.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('status').filter({ hasText: 'Role technician created.' }).waitFor();
    const role = await api().get('/roles/technician');
    assert.deepEqual((role.body as { permissions: string[] }).permissions.sort(), [
      'commands.run',
      'machines.view',
    ]);

    await openSection(page, 'Users');
    await page.getByRole('button', { name: 'New user' }).click();
    const userForm = page.getByRole('form', { name: 'New user' });
    await userForm.getByLabel('User name').fill('alice');
    await userForm.getByLabel('Password').fill('alice has a long password');
    await userForm.getByLabel('Role').selectOption('technician');
    await userForm.getByLabel('Scope').selectOption('master');
    await userForm.getByRole('button', { name: 'Add pair' }).click();
    await userForm.getByRole('button', { name: 'Remove technician in master' }).waitFor();
    await userForm.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').filter({ hasText: 'User alice created.' }).waitFor();
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'alice' }).waitFor();
    const alice = await api().get('/users/alice');
    assert.deepEqual((alice.body as { grants: unknown }).grants, [{ role: 'technician', scope: 'master' }]);

    await openSection(page, 'Audit log');
    const filters = page.getByRole('form', { name: 'Audit log filters' });
    // The other users were made through the API by the admin token's user, before.
    await filters.getByLabel('User').fill('ada');
    await filters.getByLabel('Action').fill('createUser');
    await filters.getByRole('button', { name: 'Show' }).click();
    // The header and ada's one entry, once the filtered page has replaced the unfiltered one.
    const rows = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
    await waitFor('the filtered audit log', async () => (await rows.count()) === 2, 10_000, 100);
    const row = rows.nth(1);
    assert.match((await row.textContent()) ?? '', /createUser/);
    const text = (await row.textContent()) ?? '';
    assert.match(text, /ada/);
    assert.match(text, /201 ok/);

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const verdict = page.getByRole('status').filter({ hasText: 'the chain is intact' });
    await verdict.waitFor();
    assert.match((await verdict.textContent()) ?? '', /^OK/);
    tab.assertClean();
  });

  it('pages through the audit log on the server: 50 entries a page, Next and Previous', async () => {
    for (let i = 0; i < 55; i++) {
      const changed = await api().request('PATCH', '/users/nina', { displayName: `Nina ${i}` });
      assert.equal(changed.status, 200);
    }
    const { page } = tab;
    await openSection(page, 'Audit log');
    const filters = page.getByRole('form', { name: 'Audit log filters' });
    // The filters of the test before are still there (the section stayed open): start over.
    await filters.getByRole('button', { name: 'Clear' }).click();
    assert.equal(await filters.getByLabel('User').inputValue(), '');
    await filters.getByLabel('Action').fill('updateUser');
    await filters.getByRole('button', { name: 'Show' }).click();
    const rows = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
    const pager = page.getByRole('navigation', { name: 'Audit log pages' });
    await waitFor('the first page', async () => (await rows.count()) === 51, 10_000, 100);
    assert.match((await pager.textContent()) ?? '', /1–50/);
    await pager.getByRole('button', { name: 'Next' }).click();
    await waitFor('the second page', async () => (await rows.count()) === 6, 10_000, 100);
    assert.match((await pager.textContent()) ?? '', /51–55/);
    assert.equal(await pager.getByRole('button', { name: 'Next' }).isDisabled(), true, 'the last page');
    // Oldest last: the second page ends with the first change.
    assert.match((await rows.nth(5).textContent()) ?? '', /updateUser/);
    await pager.getByRole('button', { name: 'Previous' }).click();
    await waitFor('the first page again', async () => (await rows.count()) === 51, 10_000, 100);
    tab.assertClean();
  });

  it("manages a user: new pairs, a password (a weak one refused in the server's words), TOTP reset, disabled", async () => {
    const { page } = tab;
    await openSection(page, 'Users');
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'alice' }).click();
    const detail = page.getByRole('region', { name: 'User alice' });

    await detail.getByRole('button', { name: 'Remove technician in master' }).click();
    await detail.getByLabel('Role').selectOption('viewer');
    await detail.getByLabel('Scope').selectOption('master');
    await detail.getByRole('button', { name: 'Add pair' }).click();
    await detail.getByRole('button', { name: 'Save roles and scopes' }).click();
    await detail.getByRole('status').filter({ hasText: 'Roles and scopes of alice saved.' }).waitFor();
    const saved = await api().get('/users/alice');
    assert.deepEqual((saved.body as { grants: unknown }).grants, [{ role: 'viewer', scope: 'master' }]);

    await detail.getByLabel('New password').fill('short');
    await detail.getByRole('button', { name: 'Set password' }).click();
    assert.match((await detail.getByRole('alert').textContent()) ?? '', /too short.*at least 12/);
    await detail.getByLabel('New password').fill('alice got a new password');
    await detail.getByRole('button', { name: 'Set password' }).click();
    await detail.getByRole('status').filter({ hasText: 'New password of alice set' }).waitFor();
    const signIn = await fetch(`${site.baseUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'alice', password: 'alice got a new password' }),
    });
    assert.equal(signIn.status, 201, 'the new password signs in');

    // alice enrolls an authenticator (through the API, with a token of hers).
    const made = await api().post('/tokens', { name: 'alice-script', user: 'alice' });
    const token = (made.body as { token: string }).token;
    const begun = await api().request('POST', '/me/totp', {}, token);
    const { secret } = begun.body as { secret: string };
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    assert.equal((await api().request('POST', '/me/totp/confirm', { secret, code }, token)).status, 204);
    await page.reload();
    await detail.getByRole('button', { name: 'Reset two-step sign-in' }).click();
    await page
      .getByRole('dialog', { name: 'Reset two-step sign-in of alice?' })
      .getByRole('button', { name: 'Reset' })
      .click();
    await detail.getByRole('status').filter({ hasText: 'Two-step sign-in of alice is removed' }).waitFor();
    assert.equal(
      ((await api().get('/users/alice')).body as { user: { totpEnrolled: boolean } }).user.totpEnrolled,
      false,
    );

    await detail.getByRole('button', { name: 'Disable user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable alice?' });
    assert.match((await dialog.textContent()) ?? '', /signed out everywhere/);
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await detail.getByRole('status').filter({ hasText: 'alice is disabled.' }).waitFor();
    await page
      .getByRole('table', { name: 'Users' })
      .getByRole('row', { name: /alice/ })
      .getByRole('cell', { name: 'disabled' })
      .waitFor();
    await waitFor(
      "the disabled user's token to be refused",
      async () => {
        return (await api().request('GET', '/me', undefined, token)).status === 401;
      },
      2_000,
    );
    tab.assertClean();
  });

  it("refuses a scope entry naming nothing in the server's words, and makes nothing", async () => {
    const { page } = tab;
    await openSection(page, 'Scopes');
    await page.getByRole('button', { name: 'New scope' }).click();
    const form = page.getByRole('form', { name: 'New scope' });
    await form.getByLabel('Scope name').fill('ghosts');
    await form.getByRole('button', { name: 'Add entry' }).click();
    await form.getByLabel('Kind').selectOption('group');
    await form.getByLabel('ID').fill('ghost.acme');
    await form.getByRole('button', { name: 'Create scope' }).click();
    assert.match((await form.getByRole('alert').textContent()) ?? '', /ghost\.acme/);
    assert.equal((await api().get('/scopes/ghosts')).status, 404);
    tab.assertClean();
  });

  it('creates a scope by keyboard alone (Tab, Space, Enter); it lists its entry and the API has it', async () => {
    // Something to name: a scope entry must name a group that exists.
    await site.server.installToken({ group: 'web.acme' });
    const { page } = tab;
    await page.goto('/admin/scopes');
    await page.getByRole('heading', { level: 2, name: 'Scopes' }).waitFor();
    await tabUntil(page, 'New scope', (f) => f.text === 'New scope');
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'New scope' });
    await form.waitFor();
    await tabUntil(page, 'Scope name', (f) => f.label === 'Scope name');
    await page.keyboard.type('web-team');
    // A new entry includes a group, as wanted here: no list box needs the arrow keys.
    await tabUntil(page, 'Add entry', (f) => f.text === 'Add entry');
    await page.keyboard.press('Space');
    await tabUntil(page, 'the entry ID', (f) => f.label === 'ID', { backwards: true });
    await page.keyboard.type('web.acme');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Scope web-team created.' }).waitFor();
    await form.waitFor({ state: 'detached' });
    const listed = page
      .getByRole('table', { name: 'Scopes' })
      .getByRole('row')
      .filter({ hasText: 'web-team' });
    // The list is read again after the form closes: wait for the row, not for the first render.
    await listed.waitFor();
    assert.deepEqual(await listed.getByRole('cell').allTextContents(), ['web-team', '+ group web.acme']);
    const stored = await api().get('/scopes/web-team');
    assert.equal(stored.status, 200);
    assert.deepEqual((stored.body as { entries: unknown }).entries, [
      { kind: 'group', id: 'web.acme', include: true },
    ]);
    tab.assertClean();
  });

  it('makes an API token limited to one permission, shows it once, and revokes it', async () => {
    const { page } = tab;
    await openSection(page, 'API tokens');
    const form = page.getByRole('form', { name: 'Make an API token' });
    await form.getByLabel('Token name').fill('deploy');
    await form.getByLabel('Expires after').selectOption('7 days');
    await form.getByLabel('Only the permissions checked below').check();
    await form.getByRole('checkbox', { name: 'machines.view', exact: true }).check();
    await form.getByRole('button', { name: 'Make token' }).click();
    const token = await page.getByLabel('New API token').inputValue();
    assert.match(token, /^mst_/);

    const call = (path: string) =>
      fetch(`${site.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await call('/machines')).status, 200, 'the token works');
    assert.equal((await call('/users')).status, 403, 'for machines.view only');

    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal((await page.content()).includes(token), false, 'the token is shown only once');
    const row = page
      .getByRole('table', { name: 'API tokens' })
      .getByRole('row')
      .filter({ hasText: 'deploy' });
    const cells = await row.getByRole('cell').allTextContents();
    assert.ok(token.startsWith(cells[1] ?? '-'), `the list shows only the start of the token: ${cells[1]}`);
    assert.equal(cells[2], 'machines.view');
    assert.equal(cells[6], 'active');

    await row.getByRole('button', { name: 'Revoke token deploy' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the token deploy?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByRole('cell', { name: 'revoked' }).waitFor();
    await waitFor(
      'the revoked token to be refused',
      async () => (await call('/machines')).status === 401,
      2_000,
    );
    tab.assertClean();
  });

  it('asks before Change ID, naming what happens to bound agents; confirmed, the Server ID shown changes', async () => {
    const { page } = tab;
    await openSection(page, 'Server');
    const shown = page.getByLabel('Server ID');
    const before = await shown.inputValue();
    assert.equal(((await api().get('/server')).body as { serverId: string }).serverId, before);
    // The node directory: this node, with the agent port other nodes relay to.
    const nodes = page.getByRole('table', { name: 'Server nodes' });
    const row = nodes.getByRole('row').filter({ hasText: '(this node)' });
    await row.waitFor();
    assert.equal(await nodes.getByRole('row').count(), 2, 'a header and this one node');
    assert.match((await row.textContent()) ?? '', new RegExp(`:${site.agentPort}`));

    await page.getByRole('button', { name: 'Change ID…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the Server ID?' });
    assert.match((await dialog.textContent()) ?? '', /Bound agents stop checking in/);
    // Escape is "no": nothing changes.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await shown.inputValue(), before);

    // The page reloads the server's facts after the change; held back here, so the field must
    // show the new ID from the change's own answer (it once showed the old one beside the notice).
    const slowReload = async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    };
    await page.route('**/api/v1/server', slowReload);
    const reloaded = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/v1/server' && response.request().method() === 'GET',
    );
    await page.getByRole('button', { name: 'Change ID…' }).click();
    await dialog.getByRole('button', { name: 'Change ID' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('status').filter({ hasText: before }).waitFor();
    const after = await shown.inputValue();
    assert.notEqual(after, before);
    await reloaded;
    await page.unroute('**/api/v1/server', slowReload);
    assert.equal(await shown.inputValue(), after, 'the reload agrees');
    assert.equal(((await api().get('/server')).body as { serverId: string }).serverId, after);
    tab.assertClean();
  });

  it('shows Administration only to whom it allows: none for a viewer (typing /admin: Not found), the audit log alone for a limited auditor', async () => {
    const viewer = await ConsoleTab.open(browser, site.baseUrl);
    await viewer.signIn('nina', PASSWORD);
    const menu = viewer.page.getByRole('navigation', { name: 'Pages', exact: true });
    assert.deepEqual(await menu.getByRole('link', { name: 'Administration' }).count(), 0);
    await viewer.page.goto('/admin');
    await viewer.page.getByRole('heading', { name: 'Not found' }).waitFor();
    await viewer.page.goto('/admin/users');
    await viewer.page.getByRole('heading', { name: 'Not found' }).waitFor();
    viewer.assertClean();
    await viewer.close();

    const auditor = await ConsoleTab.open(browser, site.baseUrl);
    await auditor.signIn('audra', PASSWORD);
    await auditor.page
      .getByRole('navigation', { name: 'Pages', exact: true })
      .getByRole('link', { name: 'Administration' })
      .click();
    await auditor.page.getByRole('heading', { level: 2, name: 'Audit log' }).waitFor();
    const tabs = await auditor.page
      .getByRole('navigation', { name: 'Administration sections' })
      .getByRole('link')
      .allTextContents();
    assert.deepEqual(tabs, ['Audit log'], 'audit.view on part of the data: the log, nothing else');
    // Verification walks the whole chain: only for audit.view on everything.
    assert.equal(await auditor.page.getByRole('button', { name: 'Verify the chain' }).count(), 0);
    await auditor.page.goto('/admin/users');
    await auditor.page.getByRole('heading', { name: 'Not found' }).waitFor();
    auditor.assertClean();
    await auditor.close();
  });
});

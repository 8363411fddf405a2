import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { freePort, MUSTER_BIN, TestServer, tempDir } from './support/harness';

/** What one `muster` run printed and how it ended. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const PASSWORD = 'correct horse battery staple';

// People through the command line, against a real server process: roles, scopes and users made
// with `muster role|scope|user`, `muster login` storing a personal token in the user's config
// directory, later commands acting as that user (seeing only their scope), `muster logout`
// revoking the token; bad input refused with a clear error and nothing made.
describe('muster user, role, scope, token, login and logout', () => {
  const dir = tempDir('cli-people');
  const dataDir = join(dir.path, 'server');
  const home = join(dir.path, 'home');
  const config = join(dir.path, 'config');
  let server: TestServer;

  /**
   * Runs `muster` as a person would on the server's host: no token named anywhere, HOME and
   * XDG_CONFIG_HOME in the test's directory, and MUSTER_DATA_DIR set, so the server's
   * admin-token is the default token file (a stored login must win over it).
   */
  const run = (args: string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MUSTER_BIN, '--api', server.api.baseUrl, ...args], {
        env: {
          ...process.env,
          MUSTER_TOKEN: '',
          MUSTER_TOKEN_FILE: '',
          MUSTER_DATABASE_URL: '',
          MUSTER_DATA_DIR: dataDir,
          HOME: home,
          XDG_CONFIG_HOME: config,
          ...env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(input);
    });
  /** A run as the administrator (the admin token named explicitly). */
  const admin = (args: string[], input = '') =>
    run(['--token-file', join(dataDir, 'admin-token'), ...args], input);
  const ok = (r: CliRun, what: string) => {
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    return r.stdout;
  };
  const machineIds = (stdout: string) =>
    (JSON.parse(stdout) as { items: Array<{ id: string }> }).items.map((m) => m.id).sort();
  const loginFile = join(config, 'muster', 'token');

  before(async () => {
    mkdirSync(home);
    server = await TestServer.start({ dataDir, agentPorts: [await freePort()] });
    // Fixed-name install tokens make never-checked-in machine accounts in two organizations.
    for (const [group, name] of [
      ['web.acme', 'pc1'],
      ['lab.acme', 'pc2'],
      ['web.globex', 'pc3'],
    ] as const) {
      ok(
        await admin(['install-token', 'create', '--group', group, '--machine-name', name]),
        `install token ${name}`,
      );
    }
  });
  after(async () => {
    await server?.stop();
    dir.cleanup();
  });

  it('a role, a scope and a user with a password made through the CLI', async () => {
    assert.match(
      ok(await admin(['role', 'create', 'viewer', '--permission', 'machines.view']), 'role create'),
      /created role viewer: machines.view/,
    );
    assert.match(
      ok(
        await admin([
          'scope',
          'create',
          'acme-not-lab',
          '--include',
          'org:acme',
          '--exclude',
          'group:lab.acme',
        ]),
        'scope create',
      ),
      /created scope acme-not-lab: org:acme -group:lab.acme/,
    );
    assert.match(
      ok(
        await admin(
          ['user', 'create', 'Alice', '--password-stdin', '--grant', 'viewer:acme-not-lab'],
          `${PASSWORD}\n`,
        ),
        'user create',
      ),
      /created user alice with viewer:acme-not-lab/,
    );
    const shown = JSON.parse(ok(await admin(['user', 'show', 'alice']), 'user show'));
    assert.deepEqual(shown.grants, [{ role: 'viewer', scope: 'acme-not-lab' }]);
    assert.equal(shown.user.hasPassword, true);
    const users = JSON.parse(ok(await admin(['user', 'list', '--json']), 'user list'));
    assert.deepEqual(users.items.map((u: { name: string }) => u.name).sort(), ['admin', 'alice']);
    const scope = JSON.parse(ok(await admin(['scope', 'show', 'acme-not-lab']), 'scope show'));
    assert.deepEqual(scope.entries, [
      { kind: 'organization', id: 'acme', include: true },
      { kind: 'group', id: 'lab.acme', include: false },
    ]);
  });

  it('muster login as alice (password on stdin) stores a 0600 token that later commands use, seeing only her scope', async () => {
    const login = await run(['login', '--name', 'alice', '--password-stdin'], `${PASSWORD}\n`);
    assert.match(ok(login, 'login'), /signed in to .* as alice/);
    assert.equal(statSync(loginFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(config, 'muster')).mode & 0o777, 0o700);
    const stored = JSON.parse(readFileSync(loginFile, 'utf8')) as { token: string; tokenId: string };
    assert.match(stored.token, /^mst_/);
    const me = await server.api.request('GET', '/me', undefined, stored.token);
    assert.equal((me.body as { user: { name: string } }).user.name, 'alice');

    // The default token file (MUSTER_DATA_DIR/admin-token) would see all three machines.
    assert.deepEqual(machineIds(ok(await run(['machines', 'list', '--json']), 'machines list')), [
      'pc1.web.acme',
    ]);
    const outside = await run(['machines', 'show', 'pc3.web.globex']);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /not-found, HTTP 404/);
    const excluded = await run(['machines', 'show', 'pc2.lab.acme']);
    assert.equal(excluded.code, 1);
    assert.match(excluded.stderr, /HTTP 404/);
    const managing = await run(['user', 'list']);
    assert.equal(managing.code, 1);
    assert.match(managing.stderr, /HTTP 403/);

    const tokens = JSON.parse(ok(await run(['token', 'list', '--json']), 'token list'));
    assert.deepEqual(
      tokens.items.map((t: { id: string }) => t.id),
      [stored.tokenId],
    );
  });

  it('a named credential wins over the stored login', async () => {
    const asAdmin = await admin(['machines', 'list', '--json']);
    assert.deepEqual(machineIds(ok(asAdmin, 'machines list as admin')), [
      'pc1.web.acme',
      'pc2.lab.acme',
      'pc3.web.globex',
    ]);
  });

  it('muster logout revokes the token and removes the file', async () => {
    const stored = JSON.parse(readFileSync(loginFile, 'utf8')) as { token: string; tokenId: string };
    assert.match(ok(await run(['logout']), 'logout'), new RegExp(`token ${stored.tokenId} revoked`));
    assert.equal(existsSync(loginFile), false);
    assert.equal((await server.api.request('GET', '/machines', undefined, stored.token)).status, 401);
    const tokens = JSON.parse(ok(await admin(['token', 'list', '--user', 'alice', '--json']), 'token list'));
    assert.equal(tokens.items.length, 1);
    assert.ok(tokens.items[0].revokedAt, 'revoked');
    // Without the login, the default token file is used again: the admin sees everything.
    assert.equal(machineIds(ok(await run(['machines', 'list', '--json']), 'machines list')).length, 3);
  });

  it('login with TOTP: refused without a code when there is no terminal, accepted with --totp', async () => {
    const made = ok(
      await admin(['token', 'create', '--user', 'alice', '--name', 'enroll', '--expires-in', '600']),
      'token create',
    ).trim();
    const enrollment = await server.api.request('POST', '/me/totp', {}, made);
    const { secret } = enrollment.body as { secret: string };
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const confirm = await server.api.request(
      'POST',
      '/me/totp/confirm',
      { secret, code: totp.generate() },
      made,
    );
    assert.equal(confirm.status, 204);

    const without = await run(['login', '--name', 'alice', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(without.code, 1);
    assert.match(without.stderr, /alice signs in with a TOTP code: pass --totp/);
    assert.equal(existsSync(loginFile), false);

    // The next period's code: the one used to confirm may not be replayed.
    const code = totp.generate({ timestamp: Date.now() + 30_000 });
    const login = await run(
      ['login', '--name', 'alice', '--password-stdin', '--totp', code],
      `${PASSWORD}\n`,
      {
        XDG_CONFIG_HOME: '',
      },
    );
    assert.match(ok(login, 'login with totp'), /as alice/);
    // Without XDG_CONFIG_HOME the login goes to ~/.config/muster/token.
    const homeFile = join(home, '.config', 'muster', 'token');
    assert.equal(statSync(homeFile).mode & 0o777, 0o600);
    ok(await run(['logout'], '', { XDG_CONFIG_HOME: '' }), 'logout');
    assert.equal(existsSync(homeFile), false);
    ok(await admin(['user', 'totp', 'reset', 'alice']), 'totp reset');
  });

  it('bad input: a clear error, a non-zero exit, and nothing made', async () => {
    const before = {
      roles: ok(await admin(['role', 'list', '--json']), 'roles'),
      scopes: ok(await admin(['scope', 'list', '--json']), 'scopes'),
      users: ok(await admin(['user', 'list', '--json']), 'users'),
    };
    const cases: Array<[string[], string, RegExp]> = [
      [
        ['role', 'create', 'bad', '--permission', 'machines.fly'],
        '',
        /unknown permissions: machines\.fly; nothing was changed\. The permissions are: machines\.view/,
      ],
      [['scope', 'create', 'bad', '--include', 'org:nope'], '', /there is no organization "nope"/],
      [
        ['scope', 'create', 'bad', '--include', 'planet:mars'],
        '',
        /--include is KIND:ID with KIND org, group or machine/,
      ],
      [['user', 'create', 'bob', '--password-stdin'], 'short\n', /too short: 5 characters, at least 12/],
      [
        ['user', 'create', 'bob', '--password-stdin', '--grant', 'viewer'],
        `${PASSWORD}\n`,
        /--grant is ROLE:SCOPE/,
      ],
      [
        ['user', 'create', 'bob', '--password-stdin', '--grant', 'nope:acme-not-lab'],
        `${PASSWORD}\n`,
        /no role "nope"/,
      ],
      [['user', 'create', 'alice', '--password-stdin'], `${PASSWORD}\n`, /a user named alice exists already/],
      [['user', 'grants', 'set', 'alice'], '', /give the new pairs with --grant/],
      [
        ['role', 'update', 'master', '--add', 'users.manage'],
        '',
        /the built-in role master cannot be changed/,
      ],
    ];
    for (const [args, input, message] of cases) {
      const r = await admin(args, input);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    const wrong = await run(['login', '--name', 'alice', '--password-stdin'], 'not the password at all\n');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /sign-in failed/);
    assert.equal(existsSync(loginFile), false);
    assert.equal(ok(await admin(['role', 'list', '--json']), 'roles'), before.roles);
    assert.equal(ok(await admin(['scope', 'list', '--json']), 'scopes'), before.scopes);
    assert.equal(ok(await admin(['user', 'list', '--json']), 'users'), before.users);
  });
});

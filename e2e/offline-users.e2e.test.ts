import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import { PasswordHasher, TotpService } from '../packages/server/src/index';
import type { StoreBackend } from '../packages/server/src/store/interfaces';
import { openSqlStore } from '../packages/server/src/store/sql/sql-store';
import { createTestPostgresDatabase } from '../packages/server/src/test-support/postgres';
import { freePort, MUSTER_BIN, TestServer, tempDir } from './support/harness';

/** What one `muster` run printed and how it ended. */
interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `muster` with the given standard input (closed at once when none). */
function muster(args: string[], input = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MUSTER_BIN, ...args], {
      env: { ...process.env, MUSTER_TOKEN: '', MUSTER_DATA_DIR: '', MUSTER_DATABASE_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

const NEW_PASSWORD = 'a brand new passphrase';

// "Never locked out": users, passwords, 2FA and tokens made with the store directly, while a
// real server process runs on the same store; the server accepts an offline token at once.
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`offline users and tokens beside a running server (${backend})`, () => {
    const dir = tempDir(`offline-users-${backend}`);
    const dataDir = join(dir.path, 'server');
    let server: TestServer;
    let dropDatabase = async () => {};
    let storeArgs: string[] = [];
    let store: StoreBackend;

    before(async () => {
      let databaseUrl: string | undefined;
      if (backend === 'postgres') {
        const database = await createTestPostgresDatabase();
        databaseUrl = database.url;
        dropDatabase = database.drop;
        storeArgs = ['--database-url', databaseUrl];
      } else {
        storeArgs = ['--data-dir', dataDir];
      }
      server = await TestServer.start({ dataDir, agentPorts: [await freePort()], databaseUrl });
      store = await openSqlStore(
        databaseUrl ? { postgresUrl: databaseUrl } : { sqliteFile: join(dataDir, 'muster.db') },
      );
    });
    after(async () => {
      await store?.close();
      await server?.stop();
      await dropDatabase();
      dir.cleanup();
    });

    it('the first admin token belongs to the master user admin', async () => {
      assert.equal((await server.api.get('/machines')).status, 200);
      const admin = await store.users.findUserByName('admin');
      assert.ok(admin);
      const tokens = await store.apiTokens.listApiTokens(admin.id);
      assert.equal(tokens.length, 1);
      assert.equal(tokens[0]?.name, 'admin');
    });

    it('user create --master and token create while the server runs: the server accepts the token at once', async () => {
      const created = await muster(
        ['user', 'create', 'Ops', '--master', '--password-stdin', ...storeArgs],
        'first long password\n',
      );
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /created user ops \(master\)/);
      assert.doesNotMatch(created.stdout, /password:/);
      const made = await muster([
        'token',
        'create',
        '--user',
        'ops',
        '--name',
        'e2e',
        '--expires-in',
        '3600',
        ...storeArgs,
      ]);
      assert.equal(made.code, 0, made.stderr);
      const token = made.stdout.trim();
      assert.match(token, /^mst_[A-Za-z0-9_-]{43}$/);
      assert.equal((await server.api.request('GET', '/machines', undefined, token)).status, 200);
      assert.equal((await server.api.request('GET', '/machines', undefined, `${token}x`)).status, 401);
      const ops = await store.users.findUserByName('ops');
      assert.ok(ops);
      const [record] = await store.apiTokens.listApiTokens(ops.id);
      assert.equal(record?.name, 'e2e');
      assert.ok(record?.expiresAt, 'expires');
      assert.deepEqual(
        (await store.grants.grantsOf(ops.id)).map((g) => `${g.role.name}/${g.scope.name}`),
        ['master/master'],
      );
    });

    it('without a password given and no terminal, a generated one is printed', async () => {
      const created = await muster(['user', 'create', 'viewer', ...storeArgs]);
      assert.equal(created.code, 0, created.stderr);
      const password = /password: (\S+)/.exec(created.stdout)?.[1];
      assert.ok(password && password.length >= 12, created.stdout);
      const creds = await store.users.credentialsByName('viewer');
      assert.ok(creds?.passwordHash);
      assert.equal(await new PasswordHasher().verify(creds.passwordHash, password), true);
    });

    it('reset-password sets the new password (the old one stops matching)', async () => {
      const reset = await muster(
        ['user', 'reset-password', 'ops', '--password-stdin', ...storeArgs],
        `${NEW_PASSWORD}\n`,
      );
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /password of ops reset/);
      const creds = await store.users.credentialsByName('ops');
      assert.ok(creds?.passwordHash);
      const hasher = new PasswordHasher();
      assert.equal(await hasher.verify(creds.passwordHash, NEW_PASSWORD), true);
      assert.equal(await hasher.verify(creds.passwordHash, 'first long password'), false);
    });

    it('reset-2fa removes an enrolled TOTP', async () => {
      const ops = await store.users.findUserByName('ops');
      assert.ok(ops);
      const totp = new TotpService(store.users, () => Date.now());
      const enrollment = totp.newEnrollment('ops');
      const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrollment.secret) }).generate();
      await totp.confirmEnrollment(ops.id, enrollment.secret, code);
      assert.equal((await store.users.findUser(ops.id))?.totpEnrolled, true);
      const reset = await muster(['user', 'reset-2fa', 'ops', ...storeArgs]);
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /two-factor authentication of ops removed/);
      assert.equal((await store.users.findUser(ops.id))?.totpEnrolled, false);
    });

    it('bad input: a clear error and nothing changed', async () => {
      const users = JSON.stringify(await store.users.listUsers());
      const tokens = (await store.apiTokens.listApiTokens(null)).length;
      const cases: Array<[string[], string, RegExp]> = [
        [['user', 'create', 'weak', '--password-stdin'], 'short\n', /too short: 5 characters, at least 12/],
        [['user', 'create', 'empty', '--password-stdin'], '\n', /the password is empty/],
        [
          ['user', 'create', 'ops', '--password-stdin'],
          'another long password\n',
          /a user named ops exists already/,
        ],
        [
          ['user', 'reset-password', 'nobody', '--password-stdin'],
          'another long password\n',
          /no user nobody/,
        ],
        [['user', 'reset-password', 'ops', '--password-stdin'], 'ops\n', /too short/],
        [['user', 'reset-2fa', 'nobody'], '', /no user nobody/],
        [['token', 'create', '--user', 'nobody'], '', /no user nobody/],
        [
          ['token', 'create', '--user', 'ops', '--expires-in', 'soon'],
          '',
          /--expires-in is a number of seconds/,
        ],
      ];
      for (const [args, input, message] of cases) {
        const run = await muster([...args, ...storeArgs], input);
        assert.equal(run.code, 1, `${args.join(' ')}: ${run.stdout}`);
        assert.match(run.stderr, message, args.join(' '));
      }
      const missing = await muster(['user', 'reset-2fa', 'ops', '--data-dir', join(dir.path, 'nowhere')]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no store in .*nowhere/);
      assert.equal(JSON.stringify(await store.users.listUsers()), users);
      assert.equal((await store.apiTokens.listApiTokens(null)).length, tokens);
    });
  });
}

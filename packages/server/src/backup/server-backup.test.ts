import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keyFingerprint } from '@muster/protocol';
import SQLite from 'better-sqlite3';
import { LOCK_FILE, lockDataDir } from '../data-dir-lock';
import { BackupError } from './backup-error';
import { type BackupManifest, fileSha256, MANIFEST_FILE } from './backup-manifest';
import { backupDataDir } from './server-backup';
import { restoreDataDir, verifyBackup } from './server-restore';

const VERSION = '0.1.0-test';

/** A data directory as a running server leaves it: store in WAL mode (open), certificate, token, lock. */
function serverDataDir(dataDir: string) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const publicKeyDer = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const db = new SQLite(join(dataDir, 'muster.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE server_identity (id INTEGER PRIMARY KEY, public_key_der TEXT NOT NULL)');
  db.exec('CREATE TABLE machines (id TEXT PRIMARY KEY)');
  db.prepare('INSERT INTO server_identity VALUES (1, ?)').run(publicKeyDer.toString('base64'));
  db.prepare("INSERT INTO machines VALUES ('pc1.web.acme')").run();
  writeFileSync(join(dataDir, 'tls-cert.pem'), 'CERT\n', { mode: 0o644 });
  writeFileSync(join(dataDir, 'tls-key.pem'), 'KEY\n', { mode: 0o600 });
  writeFileSync(join(dataDir, 'admin-token'), 'mt_admin\n', { mode: 0o600 });
  mkdirSync(join(dataDir, 'scratch'));
  const lock = lockDataDir(dataDir);
  return { db, lock, serverId: keyFingerprint(publicKeyDer) };
}

/**
 * Every file under a directory with its content, to show that nothing changed; the lock file's
 * content is left out (whoever takes the lock notes its pid in it).
 */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.name === LOCK_FILE) out[path] = 'lock';
    else if (entry.isFile()) out[path] = readFileSync(path).toString('base64');
  }
  return out;
}

describe('muster backup and restore of a data directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'muster-backup-'));
  const dataDir = join(root, 'data');
  const backup = join(root, 'backups', 'b1');
  let server: ReturnType<typeof serverDataDir>;
  before(() => {
    server = serverDataDir(dataDir);
  });
  after(() => {
    server.db.close();
    server.lock.release();
    rmSync(root, { recursive: true, force: true });
  });

  it('backs up a running server: the store, its certificate and token, with a manifest; no lock, pid, WAL or shared memory', async () => {
    assert.ok(existsSync(join(dataDir, 'muster.db-wal')), 'the store is open in WAL mode');
    const result = await backupDataDir({ dataDir, out: backup, musterVersion: VERSION });
    assert.equal(result.manifest.serverId, server.serverId);
    assert.deepEqual(readdirSync(backup).sort(), [
      'admin-token',
      'manifest.json',
      'muster.db',
      'tls-cert.pem',
      'tls-key.pem',
    ]);
    assert.deepEqual(result.skipped, ['scratch (not a regular file)']);
    const manifest = JSON.parse(readFileSync(join(backup, MANIFEST_FILE), 'utf8')) as BackupManifest;
    assert.equal(manifest.musterVersion, VERSION);
    assert.deepEqual(
      manifest.files.map((f) => [f.name, f.mode]),
      [
        ['admin-token', 0o600],
        ['muster.db', 0o600],
        ['tls-cert.pem', 0o644],
        ['tls-key.pem', 0o600],
      ],
    );
    for (const f of manifest.files) assert.equal(f.sha256, await fileSha256(join(backup, f.name)));
    assert.equal((statSync(backup).mode & 0o777).toString(8), '700');
    // The copy holds the row written before it, though the server never checkpointed it.
    const copy = new SQLite(join(backup, 'muster.db'), { readonly: true });
    assert.deepEqual(copy.prepare('SELECT id FROM machines').all(), [{ id: 'pc1.web.acme' }]);
    copy.close();
    assert.deepEqual(await verifyBackup(backup), manifest);
  });

  it('backs up a stopped server without leaving SQLite files behind in its data directory', async () => {
    const stopped = join(root, 'stopped-for-backup');
    const old = serverDataDir(stopped);
    old.db.close(); // the last connection: SQLite removes the WAL and shared-memory files
    old.lock.release();
    const before = readdirSync(stopped).sort();
    assert.ok(!before.includes('muster.db-wal'));
    const result = await backupDataDir({
      dataDir: stopped,
      out: join(root, 'b-stopped'),
      musterVersion: VERSION,
    });
    assert.equal(result.manifest.serverId, old.serverId);
    assert.deepEqual(readdirSync(stopped).sort(), before);
  });

  it('refuses to back up into a directory that is not empty, into the data directory, or from one without a store', async () => {
    const full = join(root, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'x'), 'x');
    await assert.rejects(
      backupDataDir({ dataDir, out: full, musterVersion: VERSION }),
      /already exists and is not an empty directory/,
    );
    await assert.rejects(
      backupDataDir({ dataDir, out: join(dataDir, 'backup'), musterVersion: VERSION }),
      /is inside the data directory/,
    );
    await assert.rejects(
      backupDataDir({ dataDir: join(root, 'nowhere'), out: join(root, 'b-none'), musterVersion: VERSION }),
      /there is no SQLite store in .*nowhere/,
    );
    assert.equal(existsSync(join(root, 'b-none')), false);
    assert.deepEqual(
      readdirSync(root).filter((n) => n.includes('.partial-')),
      [],
    );
  });

  it('restores into a new directory: the same files, the same Server ID', async () => {
    const target = join(root, 'restored');
    const result = await restoreDataDir({ backupDir: backup, dataDir: target });
    assert.equal(result.serverId, server.serverId);
    assert.equal(result.movedAside, null);
    assert.deepEqual(readdirSync(target).sort(), ['admin-token', 'muster.db', 'tls-cert.pem', 'tls-key.pem']);
    assert.equal(readFileSync(join(target, 'tls-key.pem'), 'utf8'), 'KEY\n');
    assert.equal((statSync(join(target, 'tls-key.pem')).mode & 0o777).toString(8), '600');
    assert.equal((statSync(target).mode & 0o777).toString(8), '700');
  });

  it("refuses to restore over a running server's data, even with --force, changing nothing", async () => {
    const before = snapshot(dataDir);
    await assert.rejects(
      restoreDataDir({ backupDir: backup, dataDir, force: true }),
      (error: Error) =>
        error instanceof BackupError &&
        /a muster server is running on .* \(pid \d+\): stop it first/.test(error.message),
    );
    assert.deepEqual(snapshot(dataDir), before);
  });

  it('refuses a directory that is not empty without --force; with it, moves what was there aside', async () => {
    const target = join(root, 'stopped');
    const old = serverDataDir(target);
    old.lock.release(); // a stopped server: its store left with a WAL beside it
    const stale = join(target, 'muster.db-wal');
    assert.ok(existsSync(stale));
    const before = snapshot(target);
    await assert.rejects(
      restoreDataDir({ backupDir: backup, dataDir: target }),
      /is not empty \(it holds .*muster\.db.*\): restore into a new or empty directory, or give --force/,
    );
    assert.deepEqual(snapshot(target), before, 'nothing changed');

    const result = await restoreDataDir({
      backupDir: backup,
      dataDir: target,
      force: true,
      now: new Date(0),
    });
    old.db.close();
    assert.equal(result.movedAside, `${target}.before-restore-1970-01-01T00-00-00-000Z`);
    assert.ok(existsSync(join(result.movedAside, 'muster.db')), 'the old store kept aside');
    assert.ok(existsSync(join(result.movedAside, 'scratch')));
    assert.deepEqual(readdirSync(target).sort(), [
      'admin-token',
      'muster.db',
      'server.lock',
      'tls-cert.pem',
      'tls-key.pem',
    ]);
    const db = new SQLite(join(target, 'muster.db'), { readonly: true });
    const row = db.prepare('SELECT public_key_der FROM server_identity').get() as { public_key_der: string };
    db.close();
    assert.equal(keyFingerprint(Buffer.from(row.public_key_der, 'base64')), server.serverId);
  });

  /** A copy of the good backup, damaged by `harm`; restoring it must fail with `expected` and create nothing. */
  async function refused(name: string, harm: (dir: string) => void, expected: RegExp): Promise<void> {
    const bad = join(root, `bad-${name}`);
    cpSync(backup, bad, { recursive: true });
    harm(bad);
    const target = join(root, `target-${name}`);
    await assert.rejects(restoreDataDir({ backupDir: bad, dataDir: target }), (error: Error) => {
      assert.ok(error instanceof BackupError, String(error));
      assert.match(error.message, expected);
      return true;
    });
    assert.equal(existsSync(target), false, `${name}: nothing restored`);
    assert.deepEqual(
      readdirSync(root).filter((n) => n.includes('restoring')),
      [],
      `${name}: no staging left`,
    );
  }

  const rewriteManifest = (dir: string, change: (m: BackupManifest) => void) => {
    const file = join(dir, MANIFEST_FILE);
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
    change(manifest);
    writeFileSync(file, JSON.stringify(manifest));
  };

  it('refuses a damaged or incomplete backup with a clear error, changing nothing', async () => {
    await refused(
      'no-manifest',
      (d) => rmSync(join(d, MANIFEST_FILE)),
      /is not a complete muster backup: it has no manifest\.json/,
    );
    await refused(
      'bad-json',
      (d) => writeFileSync(join(d, MANIFEST_FILE), '{"format":'),
      /manifest\.json is damaged/,
    );
    await refused(
      'newer',
      (d) => rewriteManifest(d, (m) => Object.assign(m, { version: 2 })),
      /has format version 2; this muster reads version 1/,
    );
    await refused(
      'escape',
      (d) => rewriteManifest(d, (m) => m.files[0] && Object.assign(m.files[0], { name: '../../etc/passwd' })),
      /its list of files is not valid/,
    );
    await refused(
      'missing-key',
      (d) => rmSync(join(d, 'tls-key.pem')),
      /is incomplete: tls-key\.pem is missing/,
    );
    await refused(
      'truncated-store',
      (d) => truncateSync(join(d, 'muster.db'), 4096),
      /is damaged: muster\.db has 4096 bytes, the manifest says \d+/,
    );
    await refused(
      'edited-token',
      (d) => writeFileSync(join(d, 'admin-token'), 'mt_other\n'),
      /the SHA-256 of admin-token is not the one/,
    );
    // Damaged and its manifest rewritten to match: SQLite's own integrity check still tells.
    await refused(
      'corrupt-store',
      (d) => {
        const file = join(d, 'muster.db');
        const fd = openSync(file, 'r+');
        writeSync(fd, Buffer.alloc(100, 0xa5), 0, 100, 0);
        closeSync(fd);
        const sha256 = readFileSync(file);
        rewriteManifest(d, (m) => {
          const entry = m.files.find((f) => f.name === 'muster.db');
          if (entry) entry.sha256 = createHash('sha256').update(sha256).digest('hex');
        });
      },
      /muster\.db (cannot be opened as a SQLite store|is not a SQLite store, or is damaged)/,
    );
    await refused(
      'other-identity',
      (d) => rewriteManifest(d, (m) => Object.assign(m, { serverId: 'MS-OTHER' })),
      /its store holds Server ID .*, its manifest says MS-OTHER/,
    );
    await assert.rejects(verifyBackup(join(root, 'not-there')), /is not a directory/);
  });
});

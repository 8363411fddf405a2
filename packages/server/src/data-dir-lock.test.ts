import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { claimDataDir } from './data-dir-claim';
import { DataDirLockedError, LOCK_FILE, lockDataDir, PID_FILE } from './data-dir-lock';

// Across processes (and after kill -9) in e2e/server-process.e2e.test.ts; here within one
// process, where servers started by tests share it.
describe('data directory lock', () => {
  const root = mkdtempSync(join(tmpdir(), 'muster-lock-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a second holder in the same process, naming the holder, until released', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    const first = lockDataDir(dir);
    assert.equal(readFileSync(join(dir, PID_FILE), 'utf8').trim(), String(process.pid));
    assert.throws(
      () => lockDataDir(dir),
      (error: unknown) => error instanceof DataDirLockedError && error.holderPid === process.pid,
    );
    first.release();
    assert.equal(existsSync(join(dir, PID_FILE)), false);
    assert.equal(existsSync(join(dir, LOCK_FILE)), true, 'the lock file stays for the next server');
    lockDataDir(dir).release();
  });

  it('a claim refused because the directory is held removes nothing', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    const holder = claimDataDir(dir);
    try {
      assert.throws(() => claimDataDir(dir), DataDirLockedError);
      assert.equal(existsSync(join(dir, LOCK_FILE)), true);
      assert.equal(existsSync(join(dir, PID_FILE)), true);
    } finally {
      holder.release();
    }
  });
});

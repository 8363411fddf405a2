import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NODE_ID_FILE, nodeIdOf } from './node-id';

describe('nodeIdOf', () => {
  it('makes an id once per data directory and gives the same one at every later start', () => {
    const a = mkdtempSync(join(tmpdir(), 'muster-node-id-'));
    const b = mkdtempSync(join(tmpdir(), 'muster-node-id-'));
    try {
      const first = nodeIdOf(a);
      assert.match(first, /^[A-Za-z0-9_-]{16}$/);
      assert.equal(nodeIdOf(a), first);
      assert.equal(readFileSync(join(a, NODE_ID_FILE), 'utf8').trim(), first);
      assert.notEqual(nodeIdOf(b), first, 'another directory, another node');
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  it('replaces an id file that was cut short or damaged instead of using it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'muster-node-id-'));
    try {
      writeFileSync(join(dir, NODE_ID_FILE), 'ab\n');
      const id = nodeIdOf(dir);
      assert.match(id, /^[A-Za-z0-9_-]{16}$/);
      assert.equal(nodeIdOf(dir), id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

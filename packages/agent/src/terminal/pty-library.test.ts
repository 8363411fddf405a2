import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { extractEmbeddedPty, PTY_ASSET_MANIFEST, PtyLoader } from './pty-library';

const root = mkdtempSync(join(tmpdir(), 'pty-library-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Assets as a single executable holds them: the list, and each file under node-pty/. */
function assets(files: Record<string, string>): (key: string) => ArrayBuffer {
  const all: Record<string, string> = { [PTY_ASSET_MANIFEST]: JSON.stringify(Object.keys(files)) };
  for (const [name, text] of Object.entries(files)) all[`node-pty/${name}`] = text;
  return (key) => {
    const text = all[key];
    if (text === undefined) throw new Error(`no asset ${key}`);
    const bytes = Buffer.from(text);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  };
}

describe('extractEmbeddedPty', () => {
  it('writes the files once into a folder named by their content, and removes older builds', () => {
    const v1 = { 'package.json': '{}', 'lib/index.js': 'one', 'build/Release/pty.node': 'addon' };
    const first = extractEmbeddedPty(assets(v1), root);
    assert.equal(readFileSync(join(first, 'lib/index.js'), 'utf8'), 'one');
    assert.equal(statSync(join(first, 'build/Release/pty.node')).mode & 0o777, 0o755);
    assert.equal(extractEmbeddedPty(assets(v1), root), first, 'the same build is reused');

    const second = extractEmbeddedPty(assets({ ...v1, 'lib/index.js': 'two' }), root);
    assert.notEqual(second, first);
    assert.equal(readFileSync(join(second, 'lib/index.js'), 'utf8'), 'two');
    assert.deepEqual(readdirSync(root), [second.slice(root.length + 1)], 'the older build is gone');
  });
});

describe('PtyLoader', () => {
  it('keeps a loaded library, and tries again after a failure', async () => {
    let calls = 0;
    const library = { spawn: () => assert.fail('not spawned') } as never;
    const loader = new PtyLoader(async () => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
      return library;
    });
    await assert.rejects(loader.library(), /disk full/);
    assert.equal(loader.ready, null);
    assert.equal(await loader.library(), library);
    assert.equal(await loader.library(), library);
    assert.equal(calls, 2);
    assert.equal(loader.ready, library);
  });
});

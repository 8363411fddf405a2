import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertDistFresh } from './child-scripts';
import { fileTimes, isBuiltSource, staleSources } from './dist-freshness';

const root = mkdtempSync(join(tmpdir(), 'dist-freshness-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes `path` under the test folder with its mtime `secondsAgo` in the past. */
function file(path: string, secondsAgo: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, '');
  const at = Date.now() / 1000 - secondsAgo;
  utimesSync(full, at, at);
}

describe('isBuiltSource', () => {
  it('leaves out what tsconfig.build-base.json excludes', () => {
    for (const path of [
      'a.test.ts',
      'x/b.fixture.ts',
      'c-test-helpers.ts',
      'd.contract.ts',
      'test-support.ts',
      'test-support/e.ts',
      'conformance/f.ts',
      'g.d.ts',
      'h.js',
    ])
      assert.equal(isBuiltSource(path), false, path);
    for (const path of ['index.ts', 'sub/file-sender.ts', 'latest-test.ts'])
      assert.equal(isBuiltSource(path), true, path);
  });
});

describe('staleSources', () => {
  it('names sources whose JavaScript is missing or older, per file, from real files', () => {
    file('src/fresh.ts', 100);
    file('dist/fresh.js', 50);
    file('src/edited.ts', 10);
    file('dist/edited.js', 50);
    file('src/sub/new-file.ts', 10);
    file('src/only.test.ts', 1);
    file('dist/index.js', 1);
    const stale = staleSources(fileTimes(join(root, 'src')), fileTimes(join(root, 'dist')));
    assert.deepEqual(stale, ['edited.ts', 'sub/new-file.ts']);
  });

  it('takes a source older than the build info as current (touched, not changed), never a missing output', () => {
    const sources = new Map([
      ['touched.ts', 100],
      ['edited.ts', 300],
      ['missing.ts', 50],
    ]);
    const outputs = new Map([
      ['touched.js', 50],
      ['edited.js', 50],
      ['.tsbuildinfo', 200],
    ]);
    assert.deepEqual(staleSources(sources, outputs), ['edited.ts', 'missing.ts']);
  });

  it('finds every source stale when there is no dist at all', () => {
    assert.deepEqual(staleSources(new Map([['a.ts', 1]]), fileTimes(join(root, 'no-such-dist'))), ['a.ts']);
  });
});

describe('assertDistFresh', () => {
  it('fails naming the stale files and what to run, and passes once the build is newer', () => {
    const pkg = join(root, 'pkg');
    file('pkg/src/index.ts', 10);
    file('pkg/src/engine.ts', 10);
    file('pkg/dist/index.js', 20);
    file('pkg/dist/engine.js', 5);
    file('pkg/dist/.tsbuildinfo', 15);
    assert.throws(
      () => assertDistFresh(pkg),
      (error: Error) => {
        assert.match(error.message, /dist is older than its sources \(index\.ts\)/);
        assert.match(error.message, /npm run build:packages/);
        assert.match(error.message, /--build/);
        return true;
      },
    );
    file('pkg/dist/index.js', 1);
    assert.doesNotThrow(() => assertDistFresh(pkg));
  });
});

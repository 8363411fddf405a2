import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { applyHeapGrowth } from './heap-growth';

const run = promisify(execFile);

describe('heap growth setting', () => {
  it('gives V8 the growth in percent, and leaves V8 its own choice at 0', () => {
    const given: string[] = [];
    applyHeapGrowth(100, (flags) => given.push(flags));
    applyHeapGrowth(0, (flags) => given.push(flags));
    assert.deepEqual(given, ['--heap-growing-percent=100']);
  });

  it('refuses a growth that is not a whole percent from 0 to 1000, giving V8 nothing', () => {
    const given: string[] = [];
    for (const bad of [-1, 1001, 2.5, Number.NaN])
      assert.throws(
        () => applyHeapGrowth(bad, (flags) => given.push(flags)),
        /whole percent from 0 to 1000/,
        String(bad),
      );
    assert.deepEqual(given, []);
  });

  it('names a flag this node knows (V8 says so on stderr otherwise)', async () => {
    const script = `import { applyHeapGrowth } from ${JSON.stringify(new URL('./heap-growth.ts', import.meta.url).pathname)};
      applyHeapGrowth(100);
      process.stdout.write('applied');`;
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    assert.equal(stdout, 'applied');
    assert.equal(stderr, '');
  });
});

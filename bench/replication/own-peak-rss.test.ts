import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MiB = 1024 * 1024;

test("a child's own peak RSS is its own, not its large parent's", async (t) => {
  if (process.platform !== 'linux') return t.skip('VmHWM is Linux only');
  // This process grows past 300 MiB, then starts a small node process that reports both figures.
  const ballast = Buffer.alloc(300 * MiB, 1);
  const helper = fileURLToPath(new URL('./own-peak-rss.ts', import.meta.url));
  const script = `
    const { ownPeakRssBytes } = await import(${JSON.stringify(helper)});
    console.log(ownPeakRssBytes(), process.resourceUsage().maxRSS * 1024);
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  const [own, inherited] = stdout.trim().split(' ').map(Number);
  assert.ok(ballast.length > 0);
  assert.ok(own! < 200 * MiB, `own ${own}`);
  // What the benchmark used to read: the parent's peak, carried over fork and exec.
  assert.ok(inherited! > 300 * MiB, `ru_maxrss ${inherited}`);
});

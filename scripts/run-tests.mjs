#!/usr/bin/env node
// Finds every *.test.ts under packages/, bench/ and e2e/ and runs them with node's own test runner
// (through tsx, so TypeScript runs without a build step). Node 20's --test has no globs,
// hence this small finder. Extra arguments: --only <dir> to restrict to one folder.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
// bench/ holds the benchmarks' own unit tests (arguments, targets, report helpers).
const roots = onlyIndex >= 0 ? [args[onlyIndex + 1]] : ['packages', 'bench', 'e2e'];
// --compiled: the packages were just built (npm test does), so the e2e tests run the compiled
// muster command instead of the sources through tsx (see e2e/support/harness.ts).
const compiled = args.includes('--compiled');

/** Collects test files below a directory, skipping dependencies. */
function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = roots.flatMap((root) => collect(root, [])).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// A hang must fail the run instead of stalling CI. Node 20 applies --test-timeout to each test
// file as a whole (Node 22 also to each test in it), so the limit sits well above the slowest
// file: the replication e2e takes about 45 s, the slowest single test about 17 s (measured on
// the shared 2-core machine), leaving room for a slower CI runner.
const TEST_TIMEOUT_MS = 240_000;
// Test files run at once. Most e2e time is spent waiting (for processes to start, agents to
// check in, timers to pass) rather than computing, so three files share the two cores here.
const CONCURRENCY = 3;
// Output is passed through as it comes and the runner's own summary is read back, so the
// last line is always "N passed, N failed, N skipped" whatever the reporter prints (skipped
// counts todo tests too; the line before it tells them apart).
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${CONCURRENCY}`,
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    '--test-reporter=spec',
    ...files,
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: compiled ? { ...process.env, MUSTER_E2E_BIN: 'compiled' } : process.env,
  },
);
// The summary lines ("ℹ pass 12") are picked out of the stream as they pass, wherever they
// are: the reporter may print the list of failing tests after them, too long to keep a tail of.
const counts = new Map();
let partial = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const m = /^ℹ (\w+) (\d+)/.exec(line);
    if (m) counts.set(m[1], Number(m[2]));
  }
});
child.on('exit', (code) => {
  const count = (name) => counts.get(name) ?? 0;
  // A file cut off by the timeout is reported as cancelled: it counts as failed.
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped');
  const todo = count('todo');
  console.log(`${skipped} skipped, ${todo} todo`);
  console.log(`${count('pass')} passed, ${failed} failed, ${skipped + todo} skipped`);
  process.exit(code ?? 1);
});

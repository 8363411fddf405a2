#!/usr/bin/env node
// Finds every *.test.ts under packages/ and e2e/ and runs them with node's own test runner
// (through tsx, so TypeScript runs without a build step). Node 20's --test has no globs,
// hence this small finder. Extra arguments: --only <dir> to restrict to one folder.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const roots = onlyIndex >= 0 ? [args[onlyIndex + 1]] : ['packages', 'e2e'];

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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

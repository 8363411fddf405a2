#!/usr/bin/env node
// `npm run build:agent`: the agent as one self-contained executable for the machine's platform
// (linux-x64 here), through Node's single executable application support:
//   1. esbuild bundles the `muster agent` command (packages/cli/src/agent-executable.ts) and
//      every module it uses into one CommonJS script (a single executable runs CommonJS and
//      can require only node's built-in modules);
//   2. node turns the script into a preparation blob (`--experimental-sea-config`);
//   3. postject injects the blob into a copy of this node binary.
//   The remote terminal's pseudo-terminal library (node-pty) has a native add-on, which cannot be
//   bundled nor loaded from inside the executable: its files go in as SEA assets, and the agent
//   writes them to its state directory at the first terminal and loads them from there
//   (packages/agent/src/terminal/pty-library.ts).
// The result needs no node, no node_modules and no TypeScript on the managed machine. Beside it
// go its SHA-256 and a manifest (version, size, hash), which the server serves to install scripts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The name node's single executable support looks for the blob under, and its fuse. */
const SEA_RESOURCE = 'NODE_SEA_BLOB';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const USAGE = `npm run build:agent -- [--out DIR] [--version V]
  Builds the self-contained agent executable for ${process.platform}-${process.arch}.
  --out DIR     where to write it (default dist/agent); the directory is replaced
  --version V   the version it reports (default: packages/agent's version); agents of the
                server's update groups that report another one are updated to this build
  --help        this text`;

function options() {
  try {
    const { values } = parseArgs({
      options: { out: { type: 'string' }, version: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: false,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (values.version !== undefined && !/^[0-9A-Za-z.+-]{1,64}$/.test(values.version))
      throw new Error(`--version must be 1 to 64 letters, digits, ".", "+" or "-", not "${values.version}"`);
    return { out: resolve(values.out ?? join(ROOT, 'dist', 'agent')), version: values.version };
  } catch (error) {
    console.error(`build-agent: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

/** The asset that lists node-pty's files (PTY_ASSET_MANIFEST in the agent), each an asset `node-pty/<path>`. */
const PTY_ASSET_MANIFEST = 'node-pty/files.json';

/**
 * node-pty's files the agent loads at run time on this platform: its package.json, its JavaScript
 * (no tests, nothing only Windows uses) and the add-on built at install (build/Release/pty.node).
 */
function ptyFiles() {
  const packageJson = createRequire(join(ROOT, 'packages/agent/package.json')).resolve(
    'node-pty/package.json',
  );
  const dir = dirname(packageJson);
  const addon = join(dir, 'build/Release/pty.node');
  try {
    statSync(addon);
  } catch {
    throw new Error(
      `${addon} is missing: node-pty was not built at install (npm ci runs its install script)`,
    );
  }
  const lib = readdirSync(join(dir, 'lib'))
    .filter((name) => name.endsWith('.js') && !name.endsWith('.test.js') && !/^(windows|conpty)/.test(name))
    .map((name) => join(dir, 'lib', name));
  return [packageJson, ...lib, addon].map((path) => ({
    path,
    name: relative(dir, path).split('\\').join('/'),
  }));
}

async function main() {
  const chosen = options();
  const { out } = chosen;
  const version =
    chosen.version ?? JSON.parse(readFileSync(join(ROOT, 'packages/agent/package.json'), 'utf8')).version;
  if (process.platform !== 'linux') {
    // Other platforms need their own node binary and injection details (Mach-O, PE signing).
    console.error(`build-agent: only linux is built today, not ${process.platform}`);
    process.exit(2);
  }
  const platform = `${process.platform}-${process.arch}`;
  const work = join(out, '.work');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  const script = join(work, 'muster-agent.cjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(ROOT, 'packages/cli/src/agent-executable.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    // The workspace packages' TypeScript sources, not their compiled output, whichever exists.
    conditions: ['source'],
    // ws speeds itself up with these native add-ons when they can be required; a single
    // executable cannot require them (node warns at every try), so ws is told not to look.
    external: ['bufferutil', 'utf-8-validate', 'node-pty'],
    define: {
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
      // The version the agent reports at every check-in (AGENT_VERSION).
      __MUSTER_AGENT_BUILD_VERSION__: JSON.stringify(version),
    },
    legalComments: 'none',
    // Minified, the bundle is 0.7 MB instead of 1.6: an idle agent holds its source and code
    // cache, so this is about 2 MB of its memory (bench/footprint). Names are kept, so errors
    // and stack traces in the agent's log still name their classes and functions.
    minify: true,
    keepNames: true,
    logLevel: 'warning',
  });

  const blob = join(work, 'sea-prep.blob');
  const config = join(work, 'sea-config.json');
  const pty = ptyFiles();
  const ptyManifest = join(work, 'node-pty-files.json');
  writeFileSync(ptyManifest, JSON.stringify(pty.map((file) => file.name)));
  const assets = { [PTY_ASSET_MANIFEST]: ptyManifest };
  for (const file of pty) assets[`node-pty/${file.name}`] = file.path;
  writeFileSync(
    config,
    JSON.stringify({
      main: script,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets,
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

  const executable = join(out, `muster-agent-${platform}`);
  copyFileSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  const postject = join(ROOT, 'node_modules/postject/dist/cli.js');
  execFileSync(
    process.execPath,
    [postject, executable, SEA_RESOURCE, blob, '--sentinel-fuse', SEA_FUSE],
    // postject's ELF library warns about note sections it leaves alone; shown only on failure.
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  rmSync(work, { recursive: true, force: true });

  const bytes = readFileSync(executable);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const manifest = {
    file: `muster-agent-${platform}`,
    platform,
    version,
    size: statSync(executable).size,
    sha256,
    node: process.versions.node,
    builtAt: new Date().toISOString(),
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(`${executable}.sha256`, `${sha256}  ${manifest.file}\n`);
  console.log(
    `agent executable: ${executable} (${(manifest.size / 1048576).toFixed(1)} MiB, sha256 ${sha256})`,
  );
}

await main();

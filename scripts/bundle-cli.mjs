#!/usr/bin/env node
// Bundles the compiled `muster` command (packages/cli/dist, written by tsc and finish-dist.mjs)
// into packages/cli/dist/bundle, which bin/muster.mjs runs. Why: node's ES module loader pays
// for every file it resolves, links and compiles, and commander alone is eight CommonJS files
// behind an ES module wrapper; `muster --help` spent more time there than in anything it did
// (bench/results/footprint.md). The bundle holds the CLI's own modules and commander, split
// into one chunk per subcommand (esbuild's code splitting), so `muster --help` loads the entry
// and a few shared chunks, and each subcommand still loads only what it uses. Everything else
// (the other workspace packages' dist, every other npm package, node's built-ins) stays outside
// and is imported from where it is, so its paths, native addons and workers behave as before.
// Build time only: esbuild is a development dependency, nothing of it runs with the product.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLI_DIST = fileURLToPath(new URL('../packages/cli/dist', import.meta.url));
const ENTRY = `${CLI_DIST}${sep}main.js`;
/** Where the bundle goes. One level below dist, as dist/commands is, so a chunk's `import.meta.url` resolves `../../bin` as the module it came from did. */
const OUT_DIR = `${CLI_DIST}${sep}bundle`;
/** The one npm package bundled: the command line parser every subcommand and `--help` use. */
const BUNDLED_PACKAGE = `${sep}node_modules${sep}commander${sep}`;

/** A specifier as written in a module of OUT_DIR, for a file outside the bundle. */
function fromOutDir(absolutePath) {
  const path = relative(OUT_DIR, absolutePath).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** Keeps in the bundle the CLI's own compiled modules and commander; leaves every other import where it is. */
const bundleOnlyTheCli = {
  name: 'bundle-only-the-cli',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path === 'commander') return undefined;
      if (args.path.startsWith('./') || args.path.startsWith('../')) {
        const target = resolve(args.resolveDir, args.path);
        if (target.startsWith(CLI_DIST + sep) || target.includes(BUNDLED_PACKAGE)) return undefined;
        return { path: fromOutDir(target), external: true };
      }
      return { path: args.path, external: true };
    });
  },
};

if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run tsc -b tsconfig.build.json first`);
// Built beside the bundle (same depth, so the same relative imports) and swapped in by rename: a
// `muster` started while a build runs (a test rebuilding, another terminal) never finds the bundle
// gone, as it did when the old one was deleted first and rebuilt in place.
const BUILD_DIR = `${OUT_DIR}.building-${process.pid}`;
const OLD_DIR = `${OUT_DIR}.old-${process.pid}`;
rmSync(BUILD_DIR, { recursive: true, force: true });
const result = await build({
  entryPoints: [ENTRY],
  outdir: BUILD_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [bundleOnlyTheCli],
  // commander is CommonJS and requires node's built-ins; an ES module has no `require` of its own.
  banner: {
    js: "import { createRequire as __musterRequire } from 'node:module';\nconst require = __musterRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});
if (existsSync(OUT_DIR)) renameSync(OUT_DIR, OLD_DIR);
renameSync(BUILD_DIR, OUT_DIR);
rmSync(OLD_DIR, { recursive: true, force: true });
console.log(
  `bundle-cli: ${Object.keys(result.metafile.outputs).length} files in ${relative(process.cwd(), OUT_DIR)}`,
);

#!/usr/bin/env node
// Makes the JavaScript that `tsc -b tsconfig.build.json` wrote to packages/*/dist runnable by plain
// node. The sources import each other without file extensions (moduleResolution "Bundler", which
// tsx, Vite and the tests resolve), and tsc copies specifiers as written; node's ESM loader needs
// the exact file. So each relative specifier becomes the file it names ('./codec' → './codec.js',
// './roles' → './roles/index.js'), and each workspace package ('@muster/protocol') becomes the path
// to that package's compiled entry: the packages' `exports` keep pointing at their TypeScript
// sources for tests and development, and dist/ never reaches back into src/.
// A specifier that names no compiled file fails the build, so nothing half-resolved ships.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES_DIR = fileURLToPath(new URL('../packages', import.meta.url));
const COMPILED = ['protocol', 'replication', 'agent', 'device', 'server', 'cli'];

// tsc prints every import/export with a string specifier in one of these forms:
// `from '…'`, `import '…'` (side effect) and `import('…')` (dynamic, a string literal here).
const SPECIFIER = /(\bfrom\s*|\bimport\s*|\bimport\(\s*)(['"])([^'"\n]+)\2/g;

/** Every .js file below a directory. */
function jsFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) jsFiles(path, out);
    else if (name.endsWith('.js')) out.push(path);
  }
  return out;
}

/** A specifier as node must see it, relative to `from` and always starting with ./ or ../. */
function relativeSpecifier(fromFile, toFile) {
  const rel = relative(dirname(fromFile), toFile).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The compiled file a specifier names, or null when it is not ours to rewrite. */
function resolveSpecifier(fromFile, specifier) {
  const workspace = /^@muster\/([a-z-]+)$/.exec(specifier);
  if (workspace) {
    const target = join(PACKAGES_DIR, workspace[1], 'dist', 'index.js');
    if (!existsSync(target)) throw new Error(`${fromFile}: ${specifier} has no compiled entry ${target}`);
    return relativeSpecifier(fromFile, target);
  }
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  if (/\.(m?js|json|node)$/.test(specifier)) return null;
  const base = join(dirname(fromFile), specifier);
  for (const candidate of [`${base}.js`, join(base, 'index.js')]) {
    if (existsSync(candidate)) return relativeSpecifier(fromFile, candidate);
  }
  throw new Error(`${fromFile}: import '${specifier}' names no compiled file`);
}

let rewritten = 0;
for (const pkg of COMPILED) {
  const dist = join(PACKAGES_DIR, pkg, 'dist');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run tsc -b tsconfig.build.json first`);
  for (const file of jsFiles(dist)) {
    const source = readFileSync(file, 'utf8');
    const output = source.replace(SPECIFIER, (whole, lead, quote, specifier) => {
      const resolved = resolveSpecifier(file, specifier);
      return resolved === null ? whole : `${lead}${quote}${resolved}${quote}`;
    });
    if (output !== source) {
      writeFileSync(file, output);
      rewritten++;
    }
  }
}
console.log(`finish-dist: import specifiers made explicit in ${rewritten} files`);

#!/usr/bin/env node
// Runs the compiled command (packages/cli/dist/bundle, built by `npm install` / `npm run build`;
// see scripts/bundle-cli.mjs): plain node, no TypeScript tooling at run time. Development and
// tests run the sources through bin/muster-dev.mjs instead.
const entry = new URL('../dist/bundle/main.js', import.meta.url);
try {
  await import(entry.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry.pathname)) {
    console.error(
      'muster: not built yet (packages/cli/dist/bundle is missing); run `npm install` or `npm run build`',
    );
    process.exit(1);
  }
  throw error;
}

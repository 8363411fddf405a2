#!/usr/bin/env node
// The muster command run from its TypeScript sources through tsx: what tests, e2e and development
// use, so a change shows without a build. The product (`muster`, `npm start`) runs the compiled
// code through bin/muster.mjs.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

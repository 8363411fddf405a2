// Loaded with `node --import` (through NODE_OPTIONS) into a process under test: appends the URL of
// every ES module the process resolves to the file named by MUSTER_MODULE_LOG, so a test can tell
// what a command loaded (plain node, no TypeScript tooling; only what a subcommand needs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { file: process.env.MUSTER_MODULE_LOG } });

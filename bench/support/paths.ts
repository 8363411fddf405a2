import { fileURLToPath } from 'node:url';

/** The repository root (children run from here so `--import tsx` resolves). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The muster command, run from source like an operator would run it. */
export const MUSTER_BIN = fileURLToPath(new URL('../../packages/cli/bin/muster.mjs', import.meta.url));

/** Where results files are written by default. */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

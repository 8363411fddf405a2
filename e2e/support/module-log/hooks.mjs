// Module hooks (they run on node's loader thread) of register.mjs: each resolved URL is appended
// to the log file at once, so the list is complete even if the process is killed.
import { appendFileSync } from 'node:fs';

let file;

/** Receives the log file's path from register.mjs. */
export function initialize(data) {
  file = data.file;
}

/** Resolves as node would and writes the result down. */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (file) appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}

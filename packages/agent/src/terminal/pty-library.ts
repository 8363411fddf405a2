import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as NodePty from 'node-pty';

/** What the terminal sessions use of the pseudo-terminal library (node-pty). */
export type PtyLibrary = Pick<typeof NodePty, 'spawn'>;

/** One pseudo-terminal with its process, as node-pty gives it. */
export type Pty = NodePty.IPty;

/**
 * The asset of the single executable that lists node-pty's files, each embedded as an asset of
 * its own under `node-pty/<path>` (scripts/build-agent.mjs writes both).
 */
export const PTY_ASSET_MANIFEST = 'node-pty/files.json';

/**
 * Loads node-pty. Under node it is an ordinary dependency. A single executable can require only
 * node's built-in modules and cannot load a native add-on from inside itself, so there the
 * library's files (its JavaScript and the compiled pty.node) are written once to
 * `<stateDir>/native/node-pty-<hash>/` and loaded from there with a require of their own.
 */
export async function loadPtyLibrary(stateDir: string): Promise<PtyLibrary> {
  const sea = singleExecutable();
  if (!sea) return (await import('node-pty')) as PtyLibrary;
  const dir = extractEmbeddedPty((key) => sea.getAsset(key), join(stateDir, 'native'));
  return createRequire(join(dir, 'package.json'))(join(dir, 'lib', 'index.js')) as PtyLibrary;
}

/**
 * Writes the embedded node-pty files under `root`, in a folder named by their hash so that an
 * updated agent never loads an older build; written beside and renamed into place, so a folder
 * that exists is complete. The folders of other builds (an agent before its update) are removed.
 * Returns the folder.
 */
export function extractEmbeddedPty(getAsset: (key: string) => ArrayBuffer, root: string): string {
  const files = JSON.parse(Buffer.from(getAsset(PTY_ASSET_MANIFEST)).toString('utf8')) as string[];
  const contents = files.map((file) => Buffer.from(getAsset(`node-pty/${file}`)));
  const hash = createHash('sha256');
  for (const [index, file] of files.entries())
    hash
      .update(file)
      .update('\0')
      .update(contents[index] ?? '');
  const dir = join(root, `node-pty-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  for (const [index, file] of files.entries()) {
    const target = join(partial, file);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, contents[index] ?? Buffer.alloc(0), {
      mode: file.endsWith('.node') ? 0o755 : 0o644,
    });
  }
  try {
    renameSync(partial, dir);
  } catch (error) {
    // Another agent process (the same state, a restart racing its predecessor) won: theirs is whole.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
  for (const entry of readdirSync(root))
    if (entry.startsWith('node-pty-') && join(root, entry) !== dir && !entry.includes('.partial-'))
      rmSync(join(root, entry), { recursive: true, force: true });
  return dir;
}

/**
 * node's single executable support when this process is one, else null. A single executable runs
 * the agent as one CommonJS bundle, whose `require` reaches node's built-ins (and it has no
 * dynamic import); as an ES module (the compiled packages, tsx) the agent is never one.
 */
function singleExecutable(): typeof import('node:sea') | null {
  if (typeof require !== 'function') return null;
  try {
    const sea = require('node:sea') as typeof import('node:sea');
    return sea.isSea() ? sea : null;
  } catch {
    return null; // before node 20.12
  }
}

/**
 * Loads the library once and keeps it; a failure is not kept, so the next terminal tries again
 * (a full disk freed, a state directory made writable).
 */
export class PtyLoader {
  private loaded: PtyLibrary | null = null;

  constructor(private readonly load: () => Promise<PtyLibrary>) {}

  /** The library when it has loaded already: terminals then open without waiting. */
  get ready(): PtyLibrary | null {
    return this.loaded;
  }

  /** The library; rejects with why it cannot be loaded. */
  async library(): Promise<PtyLibrary> {
    this.loaded ??= await this.load();
    return this.loaded;
  }
}

import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * Where the offsite keeps things. Everything of one local server lives in `<root>/<guid>/`: its
 * mirrored tree (one folder per machine GUID) next to the hidden `.muster-*` folders below,
 * which no wire path may name.
 */
export const OFFSITE_DIRS = {
  partial: '.muster-partial',
  manifest: '.muster-manifest',
  snapshots: '.muster-snapshots',
  store: '.muster-store.json',
  stale: '.muster-stale.json',
} as const;

/** A local server GUID as accepted on the wire and on disk: letters, digits, dash, dot, underscore. */
export const GUID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The folder of one local server under the offsite root. */
export function guidDirectory(root: string, guid: string): string {
  if (!GUID_PATTERN.test(guid) || guid.endsWith('.')) throw new Error(`invalid local server GUID ${guid}`);
  return join(root, guid);
}

/** A stable file-system-safe key for a relative path (used to name manifests and partials). */
export function pathKey(relativePath: string): string {
  return createHash('sha256').update(relativePath).digest('hex');
}

/** The manifest file of a relative path. */
export function manifestFile(guidDir: string, relativePath: string): string {
  const key = pathKey(relativePath);
  return join(guidDir, OFFSITE_DIRS.manifest, key.slice(0, 2), `${key}.mf`);
}

/** The folder of manifest packs inside the manifest folder, and a pack's file name ending. */
export const MANIFEST_PACKS = { dir: 'packs', suffix: '.mfp' } as const;

/**
 * The pack holding the manifests of the small files of a relative path's folder
 * (manifest-packs.ts): one file per folder of the stored tree.
 */
export function manifestPackFile(guidDir: string, relativePath: string): string {
  const slash = relativePath.lastIndexOf('/');
  const folder = slash < 0 ? '' : relativePath.slice(0, slash);
  return join(
    guidDir,
    OFFSITE_DIRS.manifest,
    MANIFEST_PACKS.dir,
    `${pathKey(folder)}${MANIFEST_PACKS.suffix}`,
  );
}

/** The partial data file and its journal for a relative path. */
export function partialFiles(guidDir: string, relativePath: string): { data: string; journal: string } {
  const base = join(guidDir, OFFSITE_DIRS.partial, pathKey(relativePath));
  return { data: `${base}.part`, journal: `${base}.journal` };
}

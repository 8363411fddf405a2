import { DATA_PATHS, type DatasetSizes, sizeLabel } from './dataset';
import { addIncrements, addResumeFile, growFile, insertInMiddle, overwriteBlocks } from './mutations';
import type { KilledSide, WorkloadId } from './results';
import { listTree } from './tree-check';

/** What a workload did to the source. */
export interface Preparation {
  /** Files it added or changed (W1: every file). */
  paths: string[];
  /** Bytes of data it added or changed. */
  changedBytes: number;
}

/** How a workload is run. */
export interface WorkloadSpec {
  id: WorkloadId;
  title: string;
  /** normal: one pass; resume: W6's cut and rerun; snapshot: W8's synthetic full / --link-dest. */
  kind: 'normal' | 'resume' | 'snapshot';
  /** resume: the file interrupted and the side killed at the cut. */
  resume?: { path: string; kill: KilledSide };
  /** Changes the source tree. */
  prepare(sourceDir: string): Promise<Preparation>;
  /** Hash every file in the check (W1), not only the changed ones. */
  checkAll: boolean;
}

function bytesOf(sourceDir: string, paths: readonly string[]): number {
  const tree = listTree(sourceDir);
  return paths.reduce((sum, path) => sum + (tree.get(path)?.size ?? 0), 0);
}

/** The nine workloads at the given sizes, in order (each builds on the one before). */
export function workloadSpecs(sizes: DatasetSizes): WorkloadSpec[] {
  const s = sizes;
  return [
    {
      id: 'W1',
      title: `initial seeding: ${sizeLabel(s.imageBytes)} image, ${sizeLabel(s.growBytes)} file, ${s.smallFiles.toLocaleString('en-US')} small files`,
      kind: 'normal',
      checkAll: true,
      prepare: async (dir) => {
        const paths = [...listTree(dir).keys()];
        return { paths, changedBytes: bytesOf(dir, paths) };
      },
    },
    {
      id: 'W2',
      title: `three new ${sizeLabel(s.incrementBytes)} incremental files`,
      kind: 'normal',
      checkAll: false,
      prepare: async (dir) => ({ paths: await addIncrements(dir, s), changedBytes: 3 * s.incrementBytes }),
    },
    {
      id: 'W3',
      title: `${sizeLabel(s.growBytes)} file grown by ${sizeLabel(s.growByBytes)}`,
      kind: 'normal',
      checkAll: false,
      prepare: async (dir) => ({ paths: await growFile(dir, s), changedBytes: s.growByBytes }),
    },
    {
      id: 'W4',
      title: `${s.overwriteCount} random 64 KiB overwrites in the ${sizeLabel(s.imageBytes)} image`,
      kind: 'normal',
      checkAll: false,
      prepare: async (dir) => ({
        paths: await overwriteBlocks(dir, s),
        changedBytes: s.overwriteCount * s.overwriteBytes,
      }),
    },
    {
      id: 'W5',
      title: `1 MiB inserted in the middle of the image`,
      kind: 'normal',
      checkAll: false,
      prepare: async (dir) => ({ paths: await insertInMiddle(dir, s), changedBytes: s.insertBytes }),
    },
    {
      id: 'W6',
      title: `fresh ${sizeLabel(s.resumeBytes)} file, sender killed at ~50%, run again`,
      kind: 'resume',
      resume: { path: DATA_PATHS.resume, kill: 'sender' },
      checkAll: false,
      prepare: async (dir) => ({
        paths: await addResumeFile(dir, s, DATA_PATHS.resume),
        changedBytes: s.resumeBytes,
      }),
    },
    {
      id: 'W6b',
      title: `fresh ${sizeLabel(s.resumeBytes)} file, receiver killed at ~50%, run again`,
      kind: 'resume',
      resume: { path: DATA_PATHS.resumeReceiver, kill: 'receiver' },
      checkAll: false,
      prepare: async (dir) => ({
        paths: await addResumeFile(dir, s, DATA_PATHS.resumeReceiver),
        changedBytes: s.resumeBytes,
      }),
    },
    {
      id: 'W7',
      title: 'rescan with nothing changed',
      kind: 'normal',
      checkAll: false,
      prepare: async () => ({ paths: [], changedBytes: 0 }),
    },
    {
      id: 'W8',
      title: 'synthetic full (Muster) / --link-dest snapshot (rsync)',
      kind: 'snapshot',
      checkAll: false,
      prepare: async () => ({ paths: [], changedBytes: 0 }),
    },
  ];
}

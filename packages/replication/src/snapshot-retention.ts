/** How many synthetic full snapshots to keep: the newest N, plus one per day and per week. */
export interface RetentionPolicy {
  /** The newest snapshots kept whatever their age (at least one is always kept). */
  keepLast: number;
  /** For this many most recent days that have snapshots, the newest of each day. */
  keepDaily: number;
  /** For this many most recent ISO weeks that have snapshots, the newest of each week. */
  keepWeekly: number;
}

/** Default retention: the last 3, 7 daily, 4 weekly. */
export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 3, keepDaily: 7, keepWeekly: 4 };

/** A snapshot as retention sees it. */
export interface SnapshotInfo {
  name: string;
  time: Date;
}

/** Day key in UTC, e.g. 2024-05-31. */
function dayKey(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** ISO 8601 week key in UTC, e.g. 2024-W22 (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekKey(time: Date): string {
  const date = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Decides which snapshots survive (pure). Rules combine: a snapshot kept by any rule stays.
 * Returns the names to keep; everything else may be deleted.
 */
export function selectSnapshotsToKeep(
  snapshots: readonly SnapshotInfo[],
  policy: RetentionPolicy,
): Set<string> {
  const newestFirst = [...snapshots].sort((a, b) => b.time.getTime() - a.time.getTime());
  const keep = new Set<string>();
  for (const s of newestFirst.slice(0, Math.max(1, policy.keepLast))) keep.add(s.name);
  const bucket = (limit: number, key: (time: Date) => string): void => {
    const seen = new Set<string>();
    for (const snapshot of newestFirst) {
      const k = key(snapshot.time);
      if (seen.has(k)) continue;
      if (seen.size >= limit) break;
      seen.add(k);
      keep.add(snapshot.name);
    }
  };
  bucket(policy.keepDaily, dayKey);
  bucket(policy.keepWeekly, isoWeekKey);
  return keep;
}

/** Folder name of a snapshot taken at `time`: ISO 8601 without colons, so Windows can hold it. */
export function snapshotName(time: Date): string {
  return time.toISOString().replace(/:/g, '-').replace('.', '-');
}

/** The time a snapshot folder name stands for, or undefined if it is not one. */
export function parseSnapshotName(name: string): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z$/.exec(name);
  if (!match) return undefined;
  const time = new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

import { spawnSync } from 'node:child_process';

/** A systemd unit file: each section's keys with every value given (a key may repeat). */
export type UnitFile = Record<string, Record<string, string[]>>;

/**
 * Parses a systemd unit file the way systemd reads one: `[Section]` headers, `Key=Value` lines,
 * `#` and `;` comments, a trailing backslash continuing a line. Throws on a line that is none of
 * these or a key outside any section, naming the line.
 */
export function parseUnitFile(text: string): UnitFile {
  const unit: UnitFile = {};
  let section: Record<string, string[]> | null = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      const name = header[1] as string;
      section = unit[name] ?? {};
      unit[name] = section;
      continue;
    }
    const pair = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!pair || !section) throw new Error(`line ${index + 1} is not a unit file line: ${raw}`);
    const key = pair[1] as string;
    section[key] = [...(section[key] ?? []), (pair[2] as string).trim()];
  }
  return unit;
}

/** Whether systemd-analyze can be run on this machine. */
export function systemdAnalyzeAvailable(): boolean {
  return spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Runs `systemd-analyze verify` on unit files. It exits 0 even when it ignores an unknown key
 * or a bad value (it only warns), so whatever it prints counts as a finding too.
 */
export function verifyUnits(paths: string[]): { ok: boolean; output: string } {
  const result = spawnSync('systemd-analyze', ['verify', ...paths], { encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { ok: result.status === 0 && output === '', output };
}

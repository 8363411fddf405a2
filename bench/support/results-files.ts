import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What one benchmark run writes next to its JSON: a title, the command, the report, notes. */
export interface ResultFiles {
  dir: string;
  /** Base name of both files. */
  name: string;
  /** The markdown title. */
  title: string;
  /** The npm script, e.g. `bench:checkin`. */
  script: string;
  /** The options the run was given (after `--`). */
  commandLine: string;
  /** The printed report (table and lines), kept verbatim in a code block. */
  report: string;
  /** Markdown after the report (method notes), if any. */
  notes?: string;
}

/** Writes `<name>.json` (the results) and `<name>.md` (the report); returns their paths. */
export function writeResultFiles(results: unknown, files: ResultFiles): { json: string; md: string } {
  mkdirSync(files.dir, { recursive: true });
  const json = join(files.dir, `${files.name}.json`);
  const md = join(files.dir, `${files.name}.md`);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    `# ${files.title}`,
    '',
    `Produced by \`npm run ${files.script}${files.commandLine ? ` -- ${files.commandLine}` : ''}\`; ` +
      'raw numbers in the JSON file next to this one.',
    '',
    '```',
    files.report,
    '```',
    '',
  ];
  if (files.notes) lines.push(files.notes, '');
  writeFileSync(md, lines.join('\n'));
  return { json, md };
}

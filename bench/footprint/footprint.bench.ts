import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMain } from '../support/bench-main';
import { gitRevision } from '../support/git-revision';
import { machineInfo } from '../support/machine-info';
import { clockTicksPerSecond } from '../support/proc-stats';
import { type FootprintOptions, parseFootprintArgs, USAGE } from './args';
import { compiledBuild, type MusterBuild, singleExecutableAgentBuild, tsxBuildAt } from './builds';
import { FootprintServer } from './fleet';
import { helpReferences, inheritedNodeVariables, timeHelp } from './help-timing';
import { measureIdleAgents } from './idle-agents';
import { moduleCensus } from './module-census';
import { type FootprintResults, markdownReport, resultTable } from './report';

/** The footprint benchmark (issue 11): `muster --help` time, an idle agent's RSS and CPU, before and after. */
async function run(o: FootprintOptions): Promise<void> {
  const log = (line: string) => console.log(`[footprint] ${line}`);
  const workDir = mkdtempSync(join(tmpdir(), 'muster-footprint-'));
  const machine = machineInfo(workDir);
  log('building the compiled packages and extracting the before commit');
  const after = compiledBuild();
  const before = tsxBuildAt(o.beforeRevision);
  const sea = singleExecutableAgentBuild();
  const builds: MusterBuild[] = [before, after];
  let server: FootprintServer | null = null;
  try {
    log(`timing muster --help, ${o.helpRuns} runs per build`);
    const { help, nodeAlone, references } = await timeHelp(builds, o.helpRuns, helpReferences(workDir));
    const census = [
      ...builds.flatMap((b) => [moduleCensus(b, ['--help']), moduleCensus(b, ['agent', '--help'])]),
    ];
    log('starting a server (compiled)');
    server = await FootprintServer.start(after.command, join(workDir, 'server'));
    const idle = await measureIdleAgents(server, [...builds, sea], workDir, o, log);
    const results: FootprintResults = {
      machine,
      revision: gitRevision(),
      options: o,
      builds: { before: before.label, after: after.label, sea: sea.label },
      help,
      nodeAlone,
      inheritedNodeVariables: inheritedNodeVariables(),
      helpReferences: references,
      idle,
      census,
      clockTicksPerSecond: clockTicksPerSecond(),
    };
    mkdirSync(o.outDir, { recursive: true });
    writeFileSync(join(o.outDir, `${o.name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(o.outDir, `${o.name}.md`), markdownReport(results));
    console.log(`\n${resultTable(results)}\n`);
    log(`written to ${join(o.outDir, `${o.name}.md`)} and .json`);
  } finally {
    await server?.stop();
    before.cleanup();
    sea.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  }
}

await benchMain('bench:footprint', USAGE, () => parseFootprintArgs(process.argv.slice(2)), run);

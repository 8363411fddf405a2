/**
 * `npm run bench:commands [-- --agents N]`: command delivery on a real Muster server.
 * With N simulated agents (the agent's own connection code) it times single-target commands
 * from the enqueue request to the agent's receipt, and one command fanned out to every agent;
 * on SQLite and on PostgreSQL it times queueing one command for 100,000 devices and signed
 * device check-ins that drain 100 pending commands with 1,000,000 finished ones in the table.
 * Prints a table and writes bench/results/commands-<N>.json and .md; a missed target is
 * reported as MISS and does not fail the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMain } from '../support/bench-main';
import { gitRevision } from '../support/git-revision';
import { machineInfo } from '../support/machine-info';
import { say } from '../support/progress';
import { runAgentsPhase } from './agents-phase';
import { type CommandsBenchOptions, parseCommandsArgs, USAGE } from './args';
import { runDeviceBackend } from './device-phase';
import { deriveFindings } from './findings';
import { formatReport, writeResults } from './report';
import type { AgentsResult, CommandsBenchResults, DeviceBackendResult } from './results';
import { evaluateTargets } from './targets';

async function run(options: CommandsBenchOptions): Promise<void> {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'muster-cmd-bench-'));
  try {
    const machine = machineInfo(workDir);
    const revision = gitRevision();
    let agents: AgentsResult | null = null;
    let agentsError: string | null = options.skipAgents ? 'skipped' : null;
    if (!options.skipAgents) {
      try {
        agents = await runAgentsPhase(options, workDir);
      } catch (error) {
        agentsError = (error as Error).message;
        say(`agent measurements failed: ${agentsError}`);
      }
    }
    const devices: DeviceBackendResult[] = [];
    if (!options.skipDevices) {
      for (const backend of options.backends) devices.push(await runDeviceBackend(backend, options, workDir));
    }
    const results: CommandsBenchResults = {
      benchmark: 'commands',
      machine,
      revision,
      commandLine: process.argv.slice(2).join(' '),
      config: {
        agents: options.agents,
        agentsBackend: options.agentsBackend,
        simProcesses: options.simProcesses,
        concurrency: options.concurrency,
        sourceAddresses: options.sourceAddresses,
        latencyCommands: options.latencyCommands,
        devices: options.devices,
        finishedCommands: options.finishedCommands,
        drainCommands: options.drainCommands,
        drainRounds: options.drainRounds,
        backends: options.backends,
        serverLogLevel: options.logLevel,
      },
      agents,
      agentsError,
      devices,
      targets: evaluateTargets(agents, devices),
      findings: deriveFindings(options.agents, agents, devices),
      durationSeconds: (performance.now() - started) / 1000,
    };
    const report = formatReport(results);
    process.stdout.write(`\n${report}\n\n`);
    const written = writeResults(results, report, options.outDir, options.name);
    say(`wrote ${written.json} and ${written.md}`);
  } finally {
    if (options.keepDataDir) say(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

await benchMain('bench:commands', USAGE, () => parseCommandsArgs(process.argv.slice(2)), run);

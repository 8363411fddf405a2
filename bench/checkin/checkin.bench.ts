/**
 * `npm run bench:checkin [-- --agents N]`: a real Muster server process under N simulated
 * agents (the agent's own connection code), then a minimal `ws` TLS server under the same
 * load as the floor. Prints a table and writes bench/results/checkin-<N>.json and .md.
 * Targets are reported as PASS/MISS; a miss does not fail the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchMain } from '../support/bench-main';
import { childFileLimit } from '../support/children';
import { machineInfo } from '../support/machine-info';
import { say } from '../support/progress';
import { type BenchOptions, parseBenchArgs, USAGE } from './args';
import { sqliteCommitLatencyMs } from './disk-probe';
import { runFloorPhase } from './floor-phase';
import { runMusterPhase } from './muster-phase';
import { formatReport, writeResults } from './report';
import type { BenchResults, EnvironmentSample } from './results';
import { computeRatios, evaluateTargets, TARGETS } from './targets';

function environmentSample(dir: string): EnvironmentSample {
  return {
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    sqliteCommitMs: sqliteCommitLatencyMs(dir),
  };
}

async function run(options: BenchOptions): Promise<void> {
  const started = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'muster-bench-'));
  try {
    const machine = machineInfo(workDir);
    const atStart = environmentSample(workDir);
    say(
      `load average ${atStart.loadAverage.join(' ')}, durable SQLite commit ${atStart.sqliteCommitMs.toFixed(2)} ms`,
    );
    const fileLimit = childFileLimit();
    if (options.agents > fileLimit - 256) {
      say(
        `warning: child processes get at most ${fileLimit} open files here (hard limit; raising it needs ` +
          `CAP_SYS_RESOURCE), so one server process cannot hold ${options.agents} agents`,
      );
    }
    say(`muster phase: ${options.agents} agents, work dir ${workDir}`);
    const muster = await runMusterPhase(options, workDir);
    if (!options.skipFloor) say('floor phase');
    const floor = options.skipFloor ? null : await runFloorPhase(options);
    const ratios = computeRatios(muster, floor);
    const results: BenchResults = {
      benchmark: 'checkin',
      machine,
      environment: { atStart, atEnd: environmentSample(workDir), childFileLimit: fileLimit },
      commandLine: process.argv.slice(2).join(' '),
      config: {
        agents: options.agents,
        simProcesses: options.simProcesses,
        concurrency: options.concurrency,
        periodSeconds: options.periodSeconds,
        warmupSeconds: options.warmupSeconds,
        windowSeconds: options.windowSeconds,
        sourceAddresses: options.sourceAddresses,
        connectTimeoutMs: options.connectTimeoutMs,
        restartPeriodSeconds: options.restartPeriodSeconds,
        serverLogLevel: options.logLevel,
        database: 'sqlite',
        childFileLimit: fileLimit,
      },
      fullSizeTarget: TARGETS.concurrentAgents,
      muster,
      floor,
      ratios,
      targets: evaluateTargets(muster, floor, ratios),
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

await benchMain('bench:checkin', USAGE, () => parseBenchArgs(process.argv.slice(2)), run);

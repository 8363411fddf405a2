import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCpuSeconds, readRssBytes } from '../support/proc-stats';
import type { MusterBuild } from './builds';
import { type FootprintServer, spawnMuster, stopChild, waitUntil } from './fleet';
import { evictFromPageCache, type RssSplit, readRssSplit } from './page-cache';

/** What one idle agent used. */
export interface IdleAgentUsage {
  build: MusterBuild['id'];
  machineId: string;
  /** RSS once the agent had been online on the idle period for the settle time, bytes. */
  rssAfterSettleBytes: number;
  /** The same RSS split into private memory and mapped files (see page-cache.ts). */
  rssSplitAfterSettle: RssSplit;
  /** RSS at the end of the idle window, and the highest seen during it, bytes. */
  rssAtEndBytes: number;
  rssMaxBytes: number;
  /** The split when the highest RSS was seen. */
  rssSplitAtMax: RssSplit;
  /** CPU time (user + system) over the idle window, seconds, and as a share of one core. */
  cpuSeconds: number;
  cpuShareOfCore: number;
  idleWindowSeconds: number;
}

/** A running agent of one build. */
interface RunningAgent {
  build: MusterBuild;
  child: ChildProcess;
  stateDir: string;
  stderr(): string;
}

/** The machine id an agent stored once enrolled. */
function enrolledMachineId(stateDir: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { machineId: string | null })
      .machineId;
  } catch {
    return null;
  }
}

/**
 * Enrolls one agent of each build with the server (side by side, same period, same machine),
 * puts them on the idle check-in period, lets them settle, then reads RSS and CPU time from /proc
 * over the idle window. The agents run as an installed one would: default log level, the
 * default user probe, output to nowhere.
 */
export async function measureIdleAgents(
  server: FootprintServer,
  builds: MusterBuild[],
  workDir: string,
  o: { periodSeconds: number; settleSeconds: number; idleSeconds: number },
  progress: (line: string) => void,
): Promise<IdleAgentUsage[]> {
  const created = await server.call('POST', '/install-tokens', {
    group: 'footprint.bench',
    maxUses: builds.length,
  });
  if (created.status !== 201) throw new Error(`install token: ${JSON.stringify(created.body)}`);
  const token = (created.body as { token: string }).token;
  const agents: RunningAgent[] = builds.map((build) => {
    // Each agent starts from an executable read from disk, as a service after a reboot does.
    evictFromPageCache(build.agentCommand[0] as string);
    const stateDir = join(workDir, `agent-${build.id}`);
    const { child, stderr } = spawnMuster(build.agentCommand, [
      '--state',
      stateDir,
      '--server',
      `127.0.0.1:${server.agentPort}`,
      '--token',
      token,
      '--hardware-id',
      `hw-footprint-${build.id}`,
    ]);
    return { build, child, stateDir, stderr };
  });
  try {
    const ids: string[] = [];
    for (const agent of agents) {
      ids.push(
        await waitUntil(
          `the ${agent.build.id} agent to enroll`,
          () => {
            if (agent.child.exitCode !== null) throw new Error(`agent exited: ${agent.stderr()}`);
            return enrolledMachineId(agent.stateDir);
          },
          60_000,
        ),
      );
    }
    const put = await server.call('PUT', '/checkin-control', {
      machines: ids,
      settings: { periodSeconds: o.periodSeconds },
    });
    if (put.status >= 300) throw new Error(`check-in control: ${JSON.stringify(put.body)}`);
    for (const id of ids) {
      await waitUntil(
        `${id} online on the ${o.periodSeconds} s period`,
        async () => {
          const m = (await server.call('GET', `/machines/${id}`)).body as {
            online: boolean;
            settingsApplied: boolean;
            checkinControl: { periodSeconds: number };
          };
          return m.online && m.settingsApplied && m.checkinControl.periodSeconds === o.periodSeconds;
        },
        60_000,
      );
    }
    progress(`agents online on the ${o.periodSeconds} s period; settling for ${o.settleSeconds} s`);
    await new Promise((r) => setTimeout(r, o.settleSeconds * 1000));
    const pids = agents.map((a) => a.child.pid as number);
    const rssAfterSettle = pids.map(readRssBytes);
    const splitAfterSettle = pids.map(readRssSplit);
    const rssMax = [...rssAfterSettle];
    const splitAtMax = [...splitAfterSettle];
    const cpuStart = pids.map(readCpuSeconds);
    const started = performance.now();
    progress(`measuring idle CPU for ${o.idleSeconds} s`);
    while (performance.now() - started < o.idleSeconds * 1000) {
      await new Promise((r) => setTimeout(r, 5000));
      pids.forEach((pid, i) => {
        const rss = readRssBytes(pid);
        if (rss > (rssMax[i] as number)) {
          rssMax[i] = rss;
          splitAtMax[i] = readRssSplit(pid);
        }
      });
    }
    const seconds = (performance.now() - started) / 1000;
    return agents.map((agent, i) => {
      const cpuSeconds = readCpuSeconds(pids[i] as number) - (cpuStart[i] as number);
      return {
        build: agent.build.id,
        machineId: ids[i] as string,
        rssAfterSettleBytes: rssAfterSettle[i] as number,
        rssSplitAfterSettle: splitAfterSettle[i] as RssSplit,
        rssAtEndBytes: readRssBytes(pids[i] as number),
        rssMaxBytes: rssMax[i] as number,
        rssSplitAtMax: splitAtMax[i] as RssSplit,
        cpuSeconds,
        cpuShareOfCore: cpuSeconds / seconds,
        idleWindowSeconds: seconds,
      };
    });
  } finally {
    for (const agent of agents) await stopChild(agent.child);
  }
}

import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerAddress } from '@muster/protocol';
import { spawnNode } from '../support/children';
import { MUSTER_BIN, REPO_ROOT } from '../support/paths';
import { waitUntil } from '../support/wait';

/** A real agent process the benchmark started, once its server has welcomed it. */
export interface BenchAgent {
  child: ChildProcess;
  machineId: string;
  pid: number;
}

const address = (a: ServerAddress) => `${a.host}:${a.port}`;

/**
 * Starts the compiled `muster agent` (`name` under `workDir`) enrolling with `token` on
 * `primary`, and resolves once it stored its machine id. Its shells start in an empty home of
 * its own: this machine's ~/.bashrc can hold a login shell for a minute.
 */
export async function startBenchAgent(
  workDir: string,
  name: string,
  token: string,
  primary: ServerAddress,
  secondary: ServerAddress,
): Promise<BenchAgent> {
  const stateDir = join(workDir, name);
  const home = join(workDir, `${name}-home`);
  mkdirSync(home, { recursive: true });
  const logFile = join(workDir, `${name}.log`);
  const log = openSync(logFile, 'a');
  const child = spawnNode(
    [
      MUSTER_BIN,
      'agent',
      '--state',
      stateDir,
      '--server',
      address(primary),
      '--secondary',
      address(secondary),
      '--token',
      token,
      '--hardware-id',
      `bench-terminal-${name}`,
      '--user-probe',
      `echo '{"user":null}'`,
      '--log-level',
      'warn',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, HOME: home },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  const enrolled = await waitUntil(
    () => {
      try {
        return (
          JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { machineId: string | null }
        ).machineId;
      } catch {
        return null;
      }
    },
    (id) => Boolean(id),
    60_000,
    200,
  );
  if (!enrolled.value || child.pid === undefined)
    throw new Error(`agent ${name} did not enroll; see ${logFile}`);
  return { child, machineId: enrolled.value, pid: child.pid };
}

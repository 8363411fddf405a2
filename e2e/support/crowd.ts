import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Proc } from './harness';

const CROWD_SCRIPT = fileURLToPath(new URL('./agent-crowd.ts', import.meta.url));

/** Where a crowd of agents connects and how it enrolls. */
export interface CrowdOptions {
  /** Primary server, host:port. */
  server: string;
  secondary?: string;
  token: string;
  /** Each agent's state directory is made in it. */
  dir: string;
  count: number;
}

/**
 * Starts `count` real agents in one child process (see agent-crowd.ts), all enrolling with one
 * token. Their log lines carry the agent's name (`agent`) and the time written (`time`, ms).
 */
export function startAgentCrowd(o: CrowdOptions): Proc {
  const args = [CROWD_SCRIPT, o.server, o.secondary ?? '-', o.token, o.dir, String(o.count)];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new Proc('agent-crowd', child);
  // The crowd must not outlive a test run that ends without stopping it.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  void proc.wait().then(() => process.off('exit', kill));
  return proc;
}

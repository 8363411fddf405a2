import { join } from 'node:path';
import { agentState, type Proc, startAgent, waitFor } from '../../support/harness';
import type { ConsoleServer } from './console-server';

/** A real agent process enrolled under a fixed Machine.Group ID, and how to start it again. */
export interface EnrolledAgent {
  id: string;
  stateDir: string;
  proc: Proc;
  /** Starts the agent again from its state (after a stop or a kill). */
  restart(): Proc;
}

/**
 * Starts a `muster agent` enrolled as `name.group` (an install token with a fixed machine
 * name) and waits until the server shows it online; when it does not get there, the agent is
 * stopped and the error carries its log. `userProbeFile` is a JSON file the agent
 * reads as its logged-on user (see harness startAgent).
 */
export async function startEnrolledAgent(
  site: ConsoleServer,
  dir: string,
  name: string,
  group: string,
  userProbeFile?: string,
): Promise<EnrolledAgent> {
  const token = await site.server.installToken({ group, machineName: name });
  const stateDir = join(dir, `agent-${name}`);
  const server = `127.0.0.1:${site.agentPort}`;
  // Started again, the agent connects with the key and id in its state; it needs no token.
  const start = (enroll: boolean) =>
    startAgent(name, {
      stateDir,
      server,
      ...(userProbeFile ? { userProbeFile } : {}),
      ...(enroll ? { token } : {}),
    });
  const agent: EnrolledAgent = {
    id: `${name}.${group}`,
    stateDir,
    proc: start(true),
    restart() {
      agent.proc = start(false);
      return agent.proc;
    },
  };
  try {
    await waitFor(`${agent.id} enrolled`, () => agentState(stateDir).machineId === agent.id);
    // Online in any of its forms (a logged-on user makes it user-logged-on, not online).
    await waitFor(`${agent.id} online`, async () => (await site.server.machine(agent.id))?.online === true);
  } catch (error) {
    // The caller never gets the agent, so it could not stop it: the test process would hang.
    await agent.proc.stop();
    throw new Error(`${String(error)}\n${agent.proc.output()}`);
  }
  return agent;
}

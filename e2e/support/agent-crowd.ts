// Runs many real agents (the agent's own code, each with its own key, state and TLS connection)
// in one process, so an e2e test can have a crowd without paying a Node start per agent.
// Usage: node --import tsx e2e/support/agent-crowd.ts <primary host:port> <secondary host:port|-> <token> <dir> <count>
// Every log line is JSON on stdout with the agent's name and the time it was written.
import { join } from 'node:path';
import { parseServerAddress } from '@muster/protocol';
import { type AgentLog, MusterAgent } from '../../packages/agent/src/index';

const [server, secondary, token, dir, countText] = process.argv.slice(2);
if (!server || !secondary || !token || !dir || !countText) {
  console.error('usage: agent-crowd.ts <primary host:port> <secondary host:port|-> <token> <dir> <count>');
  process.exit(2);
}

function logFor(agent: string): AgentLog {
  const write = (level: number) => (fields: object, msg: string) =>
    process.stdout.write(`${JSON.stringify({ level, time: Date.now(), agent, ...fields, msg })}\n`);
  return { info: write(30), warn: write(40), error: write(50) };
}

const agents: MusterAgent[] = [];
for (let i = 0; i < Number(countText); i++) {
  const name = `crowd${i}`;
  const agent = new MusterAgent({
    stateDir: join(dir, name),
    server: parseServerAddress(server),
    secondary: secondary === '-' ? null : parseServerAddress(secondary),
    token,
    hardwareId: `hw-${name}`,
    userProbeCommand: 'echo \'{"user":null}\'',
    log: logFor(name),
  });
  agent.start();
  agents.push(agent);
}

process.once('SIGTERM', () => {
  void Promise.all(agents.map((a) => a.stop())).then(() => process.exit(0));
});

/**
 * Command simulator child process: runs a share of the simulated agents, answers their
 * commands, and on request runs the latency measurement (enqueuer and agents in this one
 * process, on one clock) or collects fan-out receipts. It exits when told to stop or when the
 * orchestrator goes away.
 */
import { generateAgentKey } from '@muster/agent';
import { Semaphore } from '../checkin/semaphore';
import { sleep } from '../checkin/wait';
import { CommandRecorder } from './command-recorder';
import { runLatency } from './latency-run';
import { CmdSimAgent, type CmdSimCounters } from './sim-agent';
import type { CmdChildMessage, CmdParentMessage, CmdSimConfig, CmdSimStatus } from './sim-protocol';

const counters: CmdSimCounters = { connectFailures: 0, lastError: '', commandsReceived: 0, acksReceived: 0 };
const recorder = new CommandRecorder();
let agents: CmdSimAgent[] = [];
let config: CmdSimConfig | null = null;

function send(message: CmdChildMessage): void {
  process.send?.(message);
}

function configure(c: CmdSimConfig): void {
  config = c;
  const address = { host: c.host, port: c.port };
  for (let i = 0; i < c.count; i++) {
    const index = c.firstIndex + i;
    agents.push(
      new CmdSimAgent(
        {
          index,
          key: generateAgentKey(),
          address,
          localAddress: c.sourceAddresses[index % c.sourceAddresses.length] ?? '127.0.0.1',
          enrollToken: c.enrollToken,
          timeoutMs: c.connectTimeoutMs,
        },
        counters,
        recorder,
      ),
    );
  }
}

function status(): CmdSimStatus {
  const s: CmdSimStatus = {
    connected: 0,
    everConnected: 0,
    connectFailures: counters.connectFailures,
    lastError: counters.lastError,
    commandsReceived: counters.commandsReceived,
    acksReceived: counters.acksReceived,
  };
  for (const a of agents) {
    if (a.everConnected) s.everConnected++;
    if (a.connected) s.connected++;
  }
  return s;
}

async function latency(id: number, count: number, timeoutMs: number, commandType: string): Promise<void> {
  const c = config;
  const run = c
    ? await runLatency(
        agents,
        recorder,
        { httpUrl: c.httpUrl, adminToken: c.adminToken },
        count,
        timeoutMs,
        commandType,
      )
    : { samples: [], failures: count, lastFailure: 'not configured' };
  send({ type: 'latency', id, run });
}

async function stop(): Promise<void> {
  for (const a of agents) a.stop();
  await sleep(500);
  agents = [];
  process.exit(0);
}

process.on('message', (raw) => {
  const message = raw as CmdParentMessage;
  switch (message.type) {
    case 'config':
      configure(message.config);
      send({ type: 'ready' });
      break;
    case 'connect': {
      const gate = new Semaphore(config?.concurrency ?? 50);
      for (const a of agents) a.start(gate);
      break;
    }
    case 'status':
      send({ type: 'status', id: message.id, status: status() });
      break;
    case 'latency':
      void latency(message.id, message.count, message.timeoutMs, message.commandType);
      break;
    case 'fanout-mark':
      recorder.markFanout(message.commandType);
      send({ type: 'fanout-marked', id: message.id });
      break;
    case 'fanout-report':
      send({ type: 'fanout-report', id: message.id, report: recorder.fanoutReport() });
      break;
    case 'stop':
      void stop();
      break;
  }
});
process.on('disconnect', () => process.exit(0));

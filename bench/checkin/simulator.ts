/**
 * Simulator child process: runs a share of the simulated agents (or floor clients) and answers
 * the orchestrator over the IPC channel. It exits when told to stop or when the orchestrator
 * goes away.
 */
import { generateAgentKey } from '@muster/agent';
import { FloorClient } from './floor-client';
import { Semaphore } from './semaphore';
import { SimAgent } from './sim-agent';
import type { SimClient, SimCounters } from './sim-client';
import type { ChildMessage, ParentMessage, SimConfig, SimStatus } from './sim-protocol';
import { sleep } from './wait';

const counters: SimCounters = { sent: 0, connectFailures: 0, lastError: '' };
let clients: SimClient[] = [];
let floorClients: FloorClient[] = [];
let config: SimConfig | null = null;
let markAt = Number.POSITIVE_INFINITY;

function send(message: ChildMessage): void {
  process.send?.(message);
}

function configure(c: SimConfig): void {
  config = c;
  const address = { host: c.host, port: c.port };
  for (let i = 0; i < c.count; i++) {
    const index = c.firstIndex + i;
    const localAddress = c.sourceAddresses[index % c.sourceAddresses.length] ?? '127.0.0.1';
    if (c.mode === 'muster') {
      clients.push(
        new SimAgent(
          {
            index,
            key: generateAgentKey(),
            address,
            localAddress,
            enrollToken: c.enrollToken,
            timeoutMs: c.connectTimeoutMs,
          },
          counters,
        ),
      );
    } else {
      const client = new FloorClient(
        { address, localAddress, periodSeconds: c.floorPeriodSeconds, timeoutMs: c.connectTimeoutMs },
        counters,
      );
      floorClients.push(client);
      clients.push(client);
    }
  }
}

function status(): SimStatus {
  const s: SimStatus = {
    connected: 0,
    everConnected: 0,
    welcomedSinceMark: 0,
    sent: counters.sent,
    connectFailures: counters.connectFailures,
    lastError: counters.lastError,
    periods: {},
  };
  for (const c of clients) {
    if (c.everConnected) s.everConnected++;
    if (!c.connected) continue;
    s.connected++;
    if (c.connectedAt >= markAt) s.welcomedSinceMark++;
    const key = String(c.periodSeconds);
    s.periods[key] = (s.periods[key] ?? 0) + 1;
  }
  return s;
}

async function drain(id: number, timeoutMs: number): Promise<void> {
  const started = performance.now();
  const open = clients.filter((c) => c.connected);
  const answers = await Promise.all(open.map((c) => c.ping(timeoutMs)));
  send({
    type: 'drained',
    id,
    answered: answers.filter(Boolean).length,
    total: open.length,
    ms: performance.now() - started,
  });
}

async function stop(): Promise<void> {
  for (const c of clients) c.stop();
  await sleep(500);
  send({ type: 'stopped' });
  clients = [];
  floorClients = [];
  process.exit(0);
}

process.on('message', (raw) => {
  const message = raw as ParentMessage;
  switch (message.type) {
    case 'config':
      configure(message.config);
      send({ type: 'ready' });
      break;
    case 'connect': {
      const gate = new Semaphore(config?.concurrency ?? 50);
      for (const c of clients) c.start(gate);
      break;
    }
    case 'floor-checkins':
      for (const c of floorClients) c.setCheckins(message.on);
      break;
    case 'mark':
      markAt = performance.now();
      break;
    case 'status':
      send({ type: 'status', id: message.id, status: status() });
      break;
    case 'drain':
      void drain(message.id, message.timeoutMs);
      break;
    case 'stop':
      void stop();
      break;
  }
});
process.on('disconnect', () => process.exit(0));

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  AGENT_COMMAND_TYPES,
  type CheckinControl,
  type CommandMessage,
  type CommandResultMessage,
  commandSigningBytes,
  signProof,
} from '@muster/protocol';
import type { AgentConnection } from './agent-connection';
import { COMMAND_HANDLERS } from './command-handlers';
import { CommandJournal } from './command-journal';
import { CommandRunner } from './command-runner';
import type { FileChannel } from './file-channel';

const MACHINE = 'pc1.map.acme';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const connection = {
  serverPublicKeyDer: publicKey.export({ type: 'spki', format: 'der' }),
  sent: [] as CommandResultMessage[],
  send(message: CommandResultMessage) {
    this.sent.push(message);
  },
};

let serial = 0;
function signed(type: string, params: Record<string, unknown>): CommandMessage {
  const unsigned = { id: `map-${++serial}`, machineId: MACHINE, type, params, issuedAt: Date.now() };
  return {
    t: 'command',
    ...unsigned,
    attempt: 1,
    signature: signProof(privateKey, commandSigningBytes(unsigned)).toString('base64'),
  };
}

const SETTINGS: CheckinControl = {
  primary: { host: '127.0.0.1', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

// Each command type reaches its own handler through the runner's map, with its parameters.
describe('command handler map', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-handlers-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const calls: string[] = [];
  let settingsApplied = true;
  const runner = new CommandRunner({
    journal: new CommandJournal(dir),
    scratchDir: dir,
    executable: null,
    stateDir: dir,
    machineId: () => MACHINE,
    sendAudit: (c) => calls.push(`audit on ${c === (connection as unknown) ? 'its connection' : 'another'}`),
    applySettings: (_c, control, revision) => {
      calls.push(`settings ${control.periodSeconds}s r${revision}`);
      return settingsApplied;
    },
    lifecycle: (action) => calls.push(`lifecycle ${action}`),
    throttle: { take: async () => undefined },
    roles: {
      run: async (type, params) => {
        calls.push(`role ${type} ${JSON.stringify(params)}`);
        return `${type} done`;
      },
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const run = async (type: string, params: Record<string, unknown>) => {
    calls.length = 0;
    const message = signed(type, params);
    const handled = runner.handle(connection as unknown as AgentConnection, message, {} as FileChannel);
    // restart-agent and uninstall wait for the server's acknowledgement before acting.
    setTimeout(() => runner.acknowledge(message.id), 20);
    await handled;
    const result = connection.sent.at(-1);
    assert.equal(result?.id, message.id);
    return result;
  };

  it('has a handler for every command type of the protocol and no other', () => {
    assert.deepEqual(Object.keys(COMMAND_HANDLERS).sort(), [...AGENT_COMMAND_TYPES].sort());
  });

  it('audit and update-checkin-control answer on the connection the command came in on', async () => {
    assert.deepEqual(await run('audit', {}), {
      t: 'command-result',
      id: `map-${serial}`,
      status: 'complete',
    });
    assert.deepEqual(calls, ['audit on its connection']);

    const applied = await run('update-checkin-control', { checkinControl: SETTINGS, revision: 7 });
    assert.equal(applied?.output, 'settings revision 7 applied');
    assert.deepEqual(calls, ['settings 30s r7']);
    settingsApplied = false;
    const stale = await run('update-checkin-control', { checkinControl: SETTINGS, revision: 6 });
    assert.equal(stale?.output, 'settings revision 6 already in force, or superseded by a newer one');
  });

  it('replication procedures go to the role manager with their type and parameters', async () => {
    const result = await run('replicate-now', { localServerId: 'ls-1' });
    assert.deepEqual([result?.status, result?.output], ['complete', 'replicate-now done']);
    assert.deepEqual(calls, ['role replicate-now {"localServerId":"ls-1"}']);
  });

  it('restart-agent is accepted, then the agent restarts once the result is acknowledged', async () => {
    const result = await run('restart-agent', {});
    assert.deepEqual([result?.status, result?.output], ['complete', 'restart-agent accepted']);
    assert.deepEqual(calls, ['lifecycle restart']);
  });

  it('update-agent under node is refused with what to do instead', async () => {
    const result = await run('update-agent', {
      version: '2',
      size: 1,
      sha256: 'a'.repeat(64),
      trialSeconds: 60,
    });
    assert.equal(result?.status, 'failed');
    assert.match(result?.error ?? '', /not as the self-contained executable/);
  });

  it('an unknown type, even one named like an object property, and bad parameters run nothing', async () => {
    for (const type of ['reformat-disk', 'toString', 'constructor']) {
      const result = await run(type, {});
      assert.equal(result?.error, `unknown command type "${type}"; this agent cannot run it`);
    }
    const bad = await run('replicate-now', { localServerId: 5 });
    assert.equal(bad?.error, 'invalid parameters for replicate-now');
    assert.deepEqual(calls, []);
  });
});

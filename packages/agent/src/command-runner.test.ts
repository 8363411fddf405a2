import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type CommandMessage,
  type CommandResultMessage,
  commandSigningBytes,
  signProof,
} from '@muster/protocol';
import type { AgentConnection } from './agent-connection';
import { CommandJournal } from './command-journal';
import { CommandRunner } from './command-runner';
import type { FileChannel } from './file-channel';

const MACHINE = 'pc1.run.acme';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const serverPublicKeyDer = publicKey.export({ type: 'spki', format: 'der' });

/** The connection as the runner uses it: the trusted server key, and what it sends. */
class SentFrames {
  readonly serverPublicKeyDer = serverPublicKeyDer;
  readonly sent: CommandResultMessage[] = [];
  send(message: CommandResultMessage): void {
    this.sent.push(message);
  }
  asConnection(): AgentConnection {
    return this as unknown as AgentConnection;
  }
}

let serial = 0;
function signed(type: string, params: Record<string, unknown>, id = `cmd-${++serial}`): CommandMessage {
  const unsigned = { id, machineId: MACHINE, type, params, issuedAt: Date.now() };
  return {
    t: 'command',
    ...unsigned,
    attempt: 1,
    signature: signProof(privateKey, commandSigningBytes(unsigned)).toString('base64'),
  };
}

function runnerIn(stateDir: string): { runner: CommandRunner; journal: CommandJournal } {
  const journal = new CommandJournal(stateDir);
  const runner = new CommandRunner({
    journal,
    scratchDir: stateDir,
    executable: null,
    stateDir,
    machineId: () => MACHINE,
    sendAudit: () => undefined,
    applySettings: () => true,
    lifecycle: () => undefined,
    throttle: { take: async () => undefined },
    roles: { run: async () => 'ok' },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return { runner, journal };
}

const noFiles = {} as FileChannel;

// The agent's runner and journal with real shell commands and a real state directory: a command
// id runs at most once, whatever the server delivers again, and its result is kept until the
// server has accepted it.
describe('command runner and journal', () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'muster-runner-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a redelivered command whose result was not acknowledged is answered from the journal, not run again', async () => {
    const dir = stateDir();
    const ledger = join(dir, 'ledger');
    writeFileSync(ledger, '');
    const { runner, journal } = runnerIn(dir);
    const wire = new SentFrames();
    const command = signed('shell', { script: `echo run >> ${ledger}; echo out` });
    await runner.handle(wire.asConnection(), command, noFiles);
    // The server refused or lost the result (no acknowledgement) and delivers the command again.
    await runner.handle(wire.asConnection(), { ...command, attempt: 2 }, noFiles);
    assert.equal(readFileSync(ledger, 'utf8'), 'run\n', 'the script ran once');
    assert.equal(wire.sent.length, 2);
    assert.deepEqual(wire.sent[1], wire.sent[0], 'the second answer is the stored result');
    assert.equal(wire.sent[0]?.status, 'complete');
    assert.deepEqual(journal.ids(), [command.id], 'kept until acknowledged');
  });

  it('keeps a result until acknowledged, reports it again on a new connection, and forgets it once acknowledged', async () => {
    const dir = stateDir();
    const { runner, journal } = runnerIn(dir);
    const first = new SentFrames();
    const command = signed('shell', { script: 'echo kept' });
    await runner.handle(first.asConnection(), command, noFiles);
    assert.equal(first.sent.length, 1);

    const second = new SentFrames(); // the connection dropped before the server answered
    runner.reportUnacknowledged(second.asConnection());
    assert.deepEqual(second.sent, first.sent);

    runner.acknowledge(command.id);
    assert.deepEqual(journal.ids(), []);
    const third = new SentFrames();
    runner.reportUnacknowledged(third.asConnection());
    assert.deepEqual(third.sent, []);
  });

  it('a delivery that arrives after the acknowledgement removed the entry is not run again', async () => {
    const dir = stateDir();
    const ledger = join(dir, 'ledger');
    writeFileSync(ledger, '');
    const { runner } = runnerIn(dir);
    const wire = new SentFrames();
    const command = signed('shell', { script: `echo run >> ${ledger}` });
    await runner.handle(wire.asConnection(), command, noFiles);
    runner.acknowledge(command.id);
    await runner.handle(wire.asConnection(), { ...command, attempt: 2 }, noFiles);
    assert.equal(readFileSync(ledger, 'utf8'), 'run\n');
    assert.match(wire.sent[1]?.error ?? '', /already run/);
  });

  it('after a restart, a command that was running is reported failed and never started; an interrupted transfer waits to resume', async () => {
    const dir = stateDir();
    const ledger = join(dir, 'ledger');
    writeFileSync(ledger, '');
    const before = new CommandJournal(dir);
    const crashed = signed('shell', { script: `echo run >> ${ledger}` });
    const transfer = signed('get-file', { path: '/var/log/x' });
    const stale = signed('put-file', { fileId: 'f', path: '/tmp/x' });
    before.started(crashed.id, 'shell', Date.now());
    before.started(transfer.id, 'get-file', Date.now());
    before.started(stale.id, 'put-file', Date.now() - 31 * 86_400_000);

    const { runner, journal } = runnerIn(dir); // the agent starts again
    assert.deepEqual(
      journal.ids().sort(),
      [crashed.id, transfer.id].sort(),
      'the stale transfer is forgotten',
    );
    assert.equal(journal.get(transfer.id)?.state, 'running');
    const wire = new SentFrames();
    runner.reportUnacknowledged(wire.asConnection());
    assert.equal(wire.sent.length, 1);
    assert.equal(wire.sent[0]?.id, crashed.id);
    assert.equal(wire.sent[0]?.status, 'failed');
    assert.match(wire.sent[0]?.error ?? '', /stopped while this command was running/);
    await runner.handle(wire.asConnection(), crashed, noFiles);
    assert.equal(readFileSync(ledger, 'utf8'), '', 'never started again');
  });

  it('refuses a command not signed by the trusted server, and runs nothing', async () => {
    const dir = stateDir();
    const ledger = join(dir, 'ledger');
    writeFileSync(ledger, '');
    const { runner, journal } = runnerIn(dir);
    const wire = new SentFrames();
    const forged = { ...signed('shell', { script: `echo run >> ${ledger}` }), params: { script: 'id' } };
    await runner.handle(wire.asConnection(), forged, noFiles);
    assert.equal(wire.sent[0]?.status, 'failed');
    assert.match(wire.sent[0]?.error ?? '', /signature does not verify/);
    assert.equal(readFileSync(ledger, 'utf8'), '');
    assert.deepEqual(journal.ids(), []);
  });
});

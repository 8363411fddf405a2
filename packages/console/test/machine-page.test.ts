import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MachineDetail } from '../src/pages/machine/machine-api';
import {
  type CommandItem,
  commandListQuery,
  commandSummary,
  DEFAULT_COMMAND_VIEW,
  fetchedFileOf,
  mergeCommand,
  withPending,
} from '../src/pages/machine/machine-api';
import {
  changedSettings,
  destinationPath,
  draftOf,
  isAbsolutePath,
  isPending,
  shellParams,
} from '../src/pages/machine/machine-forms';

const SETTINGS = {
  primary: { host: 'muster.example.com', port: 5721 },
  secondary: null,
  periodSeconds: 30,
  bindToServer: false,
  bandwidthKBps: 0,
};

const command = (fields: Partial<CommandItem>): CommandItem => ({
  id: 'c1',
  target: 'pc1.web.acme',
  targetKind: 'machine',
  type: 'shell',
  params: { script: 'echo hi' },
  status: 'pending',
  attempts: 0,
  maxAttempts: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: null,
  finishedAt: null,
  createdBy: 'olivia',
  result: null,
  ...fields,
});

describe('Machine page: check-in control form', () => {
  it('sends only what changed', () => {
    assert.deepEqual(changedSettings(draftOf(SETTINGS), SETTINGS), {});
    const draft = { ...draftOf(SETTINGS), period: '60', secondaryHost: '192.0.2.7', secondaryPort: '5721' };
    assert.deepEqual(changedSettings(draft, SETTINGS), {
      periodSeconds: 60,
      secondary: { host: '192.0.2.7', port: 5721 },
    });
    const withSecondary = { ...SETTINGS, secondary: { host: '192.0.2.7', port: 5721 } };
    assert.deepEqual(changedSettings(draftOf(SETTINGS), withSecondary), { secondary: null }, 'emptied: none');
    assert.deepEqual(changedSettings({ ...draftOf(SETTINGS), bind: true, bandwidth: '0' }, SETTINGS), {
      bindToServer: true,
    });
  });

  it('names a field that is not a number in range, and a port without a host', () => {
    assert.throws(() => changedSettings({ ...draftOf(SETTINGS), period: '0' }, SETTINGS), /Check-In Period/);
    assert.throws(
      () => changedSettings({ ...draftOf(SETTINGS), period: '1.5' }, SETTINGS),
      /Check-In Period/,
    );
    assert.throws(
      () => changedSettings({ ...draftOf(SETTINGS), primaryPort: '70000' }, SETTINGS),
      /Primary port/,
    );
    assert.throws(
      () =>
        changedSettings(
          { ...draftOf(SETTINGS), secondaryHost: 'b.example.com', secondaryPort: '' },
          SETTINGS,
        ),
      /Secondary port/,
    );
    assert.throws(
      () => changedSettings({ ...draftOf(SETTINGS), primaryHost: ' ' }, SETTINGS),
      /needs a host/,
    );
    assert.throws(() => changedSettings({ ...draftOf(SETTINGS), bandwidth: '-1' }, SETTINGS), /Bandwidth/);
  });

  it('shows pending the settings the server names, or all of them when it names none', () => {
    const machine = {
      settingsApplied: false,
      pendingSettings: ['periodSeconds'],
    } as unknown as MachineDetail;
    assert.ok(isPending(machine, 'periodSeconds'));
    assert.ok(!isPending(machine, 'primary'));
    const unnamed = { settingsApplied: false } as unknown as MachineDetail;
    assert.ok(isPending(unnamed, 'primary') && isPending(unnamed, 'bandwidthKBps'));
    const confirmed = { settingsApplied: true, pendingSettings: [] } as unknown as MachineDetail;
    assert.ok(!isPending(confirmed, 'periodSeconds'));
  });

  it('leaves an unset primary (waiting for its first agent) alone when nothing is typed', () => {
    const unset = { ...SETTINGS, primary: null };
    assert.deepEqual(changedSettings(draftOf(unset), unset), {});
  });
});

describe('Machine page: scripts and files', () => {
  it('builds shell params, refusing an empty script, a bad timeout and a script over 64 KiB', () => {
    assert.deepEqual(shellParams('uptime', '', ''), { script: 'uptime' });
    assert.deepEqual(shellParams('print(1)', ' /usr/bin/python3 ', '20'), {
      script: 'print(1)',
      interpreter: '/usr/bin/python3',
      timeoutSeconds: 20,
    });
    assert.throws(() => shellParams('  \n', '', ''), /Write a script/);
    assert.throws(() => shellParams('x', '', '0'), /timeout/);
    assert.throws(() => shellParams('x', '', 'soon'), /timeout/);
    assert.throws(
      () => shellParams('é'.repeat(33 * 1024), '', ''),
      /64 KiB/,
      'counted in bytes, not characters',
    );
  });

  it('puts a file into a directory under its own name, and knows absolute paths', () => {
    assert.equal(destinationPath('/tmp/drop/', 'a.txt'), '/tmp/drop/a.txt');
    assert.equal(destinationPath(' /tmp/b.txt ', 'a.txt'), '/tmp/b.txt');
    assert.ok(isAbsolutePath('/etc/hosts'));
    assert.ok(isAbsolutePath('C:\\Windows\\win.ini'));
    assert.ok(!isAbsolutePath('relative/x'));
    assert.ok(!isAbsolutePath(''));
  });

  it("reads a finished get-file's file id, and nothing from anything else", () => {
    const output = JSON.stringify({ fileId: 'f1', size: 12, sha256: 'ab' });
    const done = command({
      type: 'get-file',
      status: 'complete',
      result: { exitCode: null, output, error: null },
    });
    assert.deepEqual(fetchedFileOf(done), { fileId: 'f1', size: 12 });
    assert.equal(fetchedFileOf({ ...done, status: 'failed' }), null);
    assert.equal(fetchedFileOf({ ...done, type: 'shell' }), null, 'a script printing JSON is not a file');
    assert.equal(
      fetchedFileOf({ ...done, result: { exitCode: null, output: 'not json', error: null } }),
      null,
    );
  });

  it("summarizes a command by its script's first line or its path", () => {
    assert.equal(commandSummary(command({ params: { script: '\n  \necho one\necho two' } })), 'echo one');
    assert.equal(commandSummary(command({ params: { script: 'x'.repeat(200) } })).length, 80);
    assert.equal(
      commandSummary(command({ type: 'get-file', params: { path: '/var/log/syslog' } })),
      '/var/log/syslog',
    );
    assert.equal(commandSummary(command({ type: 'audit', params: {} })), '');
  });
});

describe('Machine page: live command updates', () => {
  it('adds a new command at the top and never lets an older answer replace a newer one', () => {
    const first = command({ id: 'c1' });
    const list = mergeCommand([], first);
    const second = command({ id: 'c2' });
    assert.deepEqual(
      mergeCommand(list, second).map((c) => c.id),
      ['c2', 'c1'],
    );
    const done = command({ id: 'c1', status: 'complete', updatedAt: '2026-01-01T00:00:05.000Z' });
    const afterDone = mergeCommand(list, done);
    assert.equal(afterDone[0]?.status, 'complete');
    const late = command({ id: 'c1', status: 'processing', updatedAt: '2026-01-01T00:00:02.000Z' });
    assert.equal(mergeCommand(afterDone, late)[0]?.status, 'complete', 'the late, older answer is dropped');
  });

  it('keeps the transitions a list answer does not carry', () => {
    const detailed = command({
      transitions: [{ status: 'pending', at: '2026-01-01T00:00:00.000Z', detail: null }],
    });
    const fromList = command({ status: 'processing', updatedAt: '2026-01-01T00:00:01.000Z' });
    const merged = mergeCommand([detailed], fromList);
    assert.equal(merged[0]?.status, 'processing');
    assert.equal(merged[0]?.transitions?.length, 1);
  });

  it('keeps the pending list to what waits or runs, oldest first', () => {
    const older = command({ id: 'c1', createdAt: '2026-01-01T00:00:01.000Z' });
    const newer = command({ id: 'c2', createdAt: '2026-01-01T00:00:02.000Z' });
    const list = withPending(withPending([], newer), older);
    assert.deepEqual(
      list.map((c) => c.id),
      ['c1', 'c2'],
    );
    const running = withPending(list, {
      ...older,
      status: 'processing',
      updatedAt: '2026-01-01T00:00:03.000Z',
    });
    assert.equal(running[0]?.status, 'processing');
    const done = withPending(running, {
      ...older,
      status: 'complete',
      updatedAt: '2026-01-01T00:00:04.000Z',
    });
    assert.deepEqual(
      done.map((c) => c.id),
      ['c2'],
    );
  });
});

describe('Machine page: the command list query', () => {
  it('sends the sort, order and page, and a search and status only when given', () => {
    assert.deepEqual(commandListQuery(DEFAULT_COMMAND_VIEW, null, 25), {
      limit: 25,
      sort: 'created',
      order: 'desc',
    });
    assert.deepEqual(
      commandListQuery(
        { sort: 'status', descending: false, search: ' shell ', status: 'failed' },
        'cursor',
        25,
      ),
      { limit: 25, sort: 'status', order: 'asc', search: 'shell', status: 'failed', after: 'cursor' },
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inProcessBus } from '../bus/in-process.bus';
import { account } from '../store/conformance/conformance-fixtures';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { queueOver } from '../test-support/command-queue';
import { createTestSqliteFile } from '../test-support/sqlite';
import { CommandQueueService } from './command-queue.service';
import { newCommandId } from './command-queue-ids';

const T0 = 1_900_000_000_000;

describe('command ids', () => {
  it('are 32 hex digits, ordered by creation time, and differ within one millisecond', () => {
    const same = Array.from({ length: 1000 }, () => newCommandId(T0));
    for (const id of same) assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(new Set(same).size, same.length);
    const later = newCommandId(T0 + 1);
    assert.ok(same.every((id) => id < later));
  });

  describe('queued by the service', () => {
    const file = createTestSqliteFile();
    let store: StoreBackend;
    let now = T0;
    let queue: CommandQueueService;
    before(async () => {
      store = await openSqlStore({ sqliteFile: file.file });
      await store.groups.ensureGroup('ids.acme', T0);
      for (const id of ['a.ids.acme', 'b.ids.acme']) await store.machines.createMachineAccount(account(id));
      const bus = inProcessBus();
      queue = queueOver(CommandQueueService, store, bus, () => now, { outputLimitBytes: 1024 });
    });
    after(async () => {
      await store.close();
      file.cleanup();
    });

    it('sort after the ids of every command queued earlier', async () => {
      const targets = { machines: ['a.ids.acme', 'b.ids.acme'] };
      const first = await queue.enqueue({ targets, type: 'audit', params: {} });
      now += 1;
      const second = await queue.enqueue({ targets, type: 'audit', params: {} });
      now += 1;
      const each = await queue.enqueueEach(
        'audit',
        [{ machineId: 'a.ids.acme', groupId: 'ids.acme', params: {} }],
        0,
      );
      // Their creation time leads: a random id would start with it once in 2^48.
      assert.ok(first.commands.every((c) => c.id.startsWith(T0.toString(16).padStart(12, '0'))));
      const ids = [...first.commands, ...second.commands, ...each].map((c) => c.id);
      const earliestLater = (list: readonly { id: string }[]) => list.map((c) => c.id).sort()[0] as string;
      assert.ok(
        first.commands.every((c) => c.id < earliestLater(second.commands)),
        ids.join(' '),
      );
      assert.ok(
        second.commands.every((c) => c.id < earliestLater(each)),
        ids.join(' '),
      );
    });
  });
});

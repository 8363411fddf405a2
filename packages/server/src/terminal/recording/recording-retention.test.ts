import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreBackend } from '../../store/interfaces';
import { openSqlStore } from '../../store/sql/sql-store';
import { createTestSqliteFile } from '../../test-support/sqlite';
import { TerminalRecordingRetention } from './recording-retention';

const DAY = 86_400_000;
const NOW = 1_900_000_000_000;

describe('terminal recording retention (real SQLite store)', () => {
  let backend: StoreBackend;
  let cleanup: () => void;
  before(async () => {
    const file = createTestSqliteFile();
    cleanup = file.cleanup;
    backend = await openSqlStore({ sqliteFile: file.file });
  });
  after(async () => {
    await backend.close();
    cleanup();
  });

  /** A session with a one-chunk recording, ended `endedDaysAgo` days before NOW (null: live). */
  async function session(id: string, endedDaysAgo: number | null): Promise<void> {
    const sessions = backend.terminalSessions;
    await sessions.create({
      id,
      machineId: 'pc1.web.acme',
      groupId: 'web.acme',
      userId: 'u',
      username: 'ann',
      nodeId: 'node-a',
      agentNodeId: null,
      startedAt: NOW - 400 * DAY,
      cols: 80,
      rows: 24,
      recordInput: true,
    });
    await sessions.appendRecording(id, 0, Buffer.from('{"version":2,"width":80,"height":24}\n'));
    if (endedDaysAgo !== null)
      await sessions.finish(id, {
        endedAt: NOW - endedDaysAgo * DAY,
        endReason: 'exit',
        endedBy: null,
        bytesIn: 0,
        bytesOut: 0,
      });
  }

  const exists = async (id: string) => (await backend.terminalSessions.get(id)) !== null;

  it('deletes sessions ended before the retention time, in batches, and keeps the rest', async () => {
    for (let i = 0; i < 7; i++) await session(`old-${i}`, 91 + i);
    await session('recent', 89);
    await session('live', null);
    const retention = new TerminalRecordingRetention(
      backend.terminalSessions,
      { retentionMs: 90 * DAY, intervalMs: 60_000, batchSize: 2, maxBatches: 3 },
      () => NOW,
      (error) => assert.fail(String(error)),
    );
    assert.equal(await retention.runOnce(), 6, 'three batches of two in one pass');
    assert.equal(await retention.runOnce(), 1, 'the rest at the next pass');
    assert.equal(await retention.runOnce(), 0);
    for (let i = 0; i < 7; i++) assert.equal(await exists(`old-${i}`), false);
    assert.equal(await exists('recent'), true);
    assert.equal(await exists('live'), true, 'a live session is never deleted, however old');
    const chunks: Buffer[] = [];
    for await (const chunk of backend.terminalSessions.readRecording('old-0')) chunks.push(chunk);
    assert.deepEqual(chunks, [], 'its recording went with it');
  });

  it('runs on its timer and reports a failing store instead of throwing', async () => {
    await session('timed', 200);
    const retention = new TerminalRecordingRetention(
      backend.terminalSessions,
      { retentionMs: 90 * DAY, intervalMs: 10, batchSize: 100 },
      () => NOW,
      (error) => assert.fail(String(error)),
    );
    retention.start();
    try {
      for (let i = 0; i < 200 && (await exists('timed')); i++) await new Promise((r) => setTimeout(r, 10));
    } finally {
      retention.stop();
    }
    assert.equal(await exists('timed'), false);

    const errors: unknown[] = [];
    const failing = new TerminalRecordingRetention(
      {
        purgeEndedBefore: async () => {
          throw new Error('database is locked');
        },
      },
      { retentionMs: DAY, intervalMs: 60_000, batchSize: 10 },
      () => NOW,
      (error) => errors.push(error),
    );
    assert.equal(await failing.runOnce(), 0);
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['database is locked'],
    );
  });
});

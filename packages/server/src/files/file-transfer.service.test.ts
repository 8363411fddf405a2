import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { NewCommand } from '../store/command-record';
import type { StoreBackend } from '../store/interfaces';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile } from '../test-support/sqlite';
import { FileTransferService, TransferRefused } from './file-transfer.service';

const T0 = 1_900_000_000_000;
const MACHINE = 'pc1.g.acme';

function command(id: string, type: string, params: Record<string, unknown>, targetId = MACHINE): NewCommand {
  return {
    id,
    orgId: 'acme',
    targetKind: 'machine',
    targetId,
    groupId: 'g.acme',
    type,
    params,
    priority: 0,
    maxAttempts: 3,
    expiresAt: null,
  };
}

// The server half of put-file and get-file against a real SQLite store: who may read or write
// what, resumption from what is held, and verification before an upload is kept.
describe('file transfer service', () => {
  const file = createTestSqliteFile();
  let store: StoreBackend;
  let transfers: FileTransferService;
  const now = T0 + 10;

  before(async () => {
    store = await openSqlStore({ sqliteFile: file.file });
    transfers = new FileTransferService(store.files, store.commands, 60_000, 10_000_000, () => now);
    await store.files.createFile({
      id: 'f1',
      name: 'a.bin',
      machineId: null,
      groupId: null,
      commandId: null,
      createdAt: T0,
    });
    await store.files.appendChunk('f1', 0, Buffer.from('hello world'));
    await store.files.completeFile('f1', 11, createHash('sha256').update('hello world').digest('hex'), T0);
    await store.commands.enqueue(
      [
        command('put1', 'put-file', { fileId: 'f1', path: '/tmp/a' }),
        command('get1', 'get-file', { path: '/var/log/app.log', maxBytes: 20 }),
        command('other', 'get-file', { path: '/x' }, 'pc2.g.acme'),
        command('waiting', 'put-file', { fileId: 'f1', path: '/tmp/b' }),
      ],
      null,
      T0,
    );
    await store.commands.claimNext('machine', MACHINE, T0, 60_000, 2);
    await store.commands.claimNext('machine', 'pc2.g.acme', T0, 60_000, 1);
  });
  after(async () => {
    await store.close();
    file.cleanup();
  });

  it('serves pieces of the file a processing put-file names', async () => {
    assert.deepEqual(await transfers.read(MACHINE, 'put1', 0, 5), { data: Buffer.from('hello'), eof: false });
    assert.deepEqual(await transfers.read(MACHINE, 'put1', 6, 100), {
      data: Buffer.from('world'),
      eof: true,
    });
    await assert.rejects(transfers.read(MACHINE, 'put1', 12, 5), /past the end/);
  });

  it('refuses commands of another agent, of another type, unknown or not processing', async () => {
    await assert.rejects(transfers.read(MACHINE, 'other', 0, 5), TransferRefused);
    await assert.rejects(transfers.read('pc2.g.acme', 'put1', 0, 5), /not this agent's/);
    await assert.rejects(transfers.read(MACHINE, 'get1', 0, 5), /not a put-file/);
    await assert.rejects(transfers.write(MACHINE, 'put1', 0, Buffer.from('x')), /not a get-file/);
    await assert.rejects(transfers.read(MACHINE, 'ghost', 0, 5), /not this agent's/);
    await assert.rejects(transfers.read(MACHINE, 'waiting', 0, 5), /is pending/);
    assert.equal(await store.files.findByCommand('other'), null, 'nothing was stored for refused requests');
  });

  it('appends uploads in order, resumes from what is held, and enforces maxBytes', async () => {
    assert.equal(await transfers.status(MACHINE, 'get1'), 0);
    assert.equal(await transfers.write(MACHINE, 'get1', 0, Buffer.from('0123456789')), 10);
    assert.equal(
      await transfers.write(MACHINE, 'get1', 0, Buffer.from('0123456789')),
      10,
      'a repeat is ignored',
    );
    assert.equal(await transfers.write(MACHINE, 'get1', 15, Buffer.from('abc')), 10, 'a gap is ignored');
    assert.equal(await transfers.status(MACHINE, 'get1'), 10, 'a retry resumes at 10');
    await assert.rejects(
      transfers.write(MACHINE, 'get1', 10, Buffer.alloc(11)),
      /larger than the limit of 20/,
    );
    assert.equal(await transfers.write(MACHINE, 'get1', 10, Buffer.from('abcdef')), 16);
  });

  it('keeps an upload only when size and SHA-256 match; a hash mismatch starts it over', async () => {
    await assert.rejects(transfers.done(MACHINE, 'get1', 20, 'a'.repeat(64)), /holds 16 bytes, not 20/);
    const wrong = createHash('sha256').update('something else').digest('hex');
    await assert.rejects(
      transfers.done(MACHINE, 'get1', 16, wrong),
      (e: TransferRefused) => e.reset === true,
    );
    assert.equal(await transfers.status(MACHINE, 'get1'), 0, 'dropped after the mismatch');
    await transfers.write(MACHINE, 'get1', 0, Buffer.from('0123456789abcdef'));
    const right = createHash('sha256').update('0123456789abcdef').digest('hex');
    const kept = await transfers.done(MACHINE, 'get1', 16, right);
    assert.deepEqual([kept.status, kept.size, kept.sha256, kept.name], ['complete', 16, right, 'app.log']);
    assert.equal(
      (await transfers.done(MACHINE, 'get1', 16, right)).id,
      kept.id,
      'a repeated done is answered',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewAuditEntry } from '../store/audit-record';
import { openSqlStore } from '../store/sql/sql-store';
import { createTestSqliteFile } from '../test-support/sqlite';
import { AuditService } from './audit.service';
import { filterGroup, LISTED_TARGETS, scopeKeysOf, targetsOfRequest } from './audit-targets';

describe('AuditService', () => {
  it('reports an entry it could not write instead of dropping it (a closed store)', async () => {
    const { file, cleanup } = createTestSqliteFile();
    try {
      const store = await openSqlStore({ sqliteFile: file });
      await store.close();
      const failures: Array<{ error: unknown; entry: NewAuditEntry }> = [];
      const audit = new AuditService(
        store.audit,
        () => 1,
        (error, entry) => failures.push({ error, entry }),
      );
      const written = await audit.record({
        actor: null,
        action: 'POST /commands',
        targets: { machines: ['pc1.web.acme'] },
        details: null,
        status: 201,
        result: 'ok',
      });
      assert.equal(written, false);
      assert.equal(failures.length, 1);
      assert.ok(failures[0]?.error instanceof Error);
      assert.equal(failures[0]?.entry.action, 'POST /commands');
    } finally {
      cleanup();
    }
  });

  it('records sign-ins, failed ones with the name given and the reason', async () => {
    const { file, cleanup } = createTestSqliteFile();
    const store = await openSqlStore({ sqliteFile: file });
    try {
      const audit = new AuditService(
        store.audit,
        () => 1_900_000_000_000,
        (error) => {
          throw error;
        },
      );
      assert.equal(
        await audit.signIn({
          userName: 'eve',
          userId: null,
          address: '198.51.100.9',
          sessionId: null,
          ok: false,
        }),
        true,
      );
      await audit.signIn({ userName: 'ann', userId: 'u1', address: '10.0.0.1', sessionId: 's1', ok: true });
      const [ok, failed] = await store.audit.listAudit({ scope: { all: true }, limit: 10 });
      assert.deepEqual(
        [ok?.action, ok?.userName, ok?.credentialKind, ok?.credentialId, ok?.result],
        ['session.sign-in', 'ann', 'session', 's1', 'ok'],
      );
      assert.deepEqual(
        [failed?.userName, failed?.userId, failed?.address, failed?.result],
        ['eve', null, '198.51.100.9', 'auth-failed'],
      );
    } finally {
      await store.close();
      cleanup();
    }
  });
});

describe('audit targets', () => {
  it('reads machines, devices, groups, filters and other ids from any route the same way', () => {
    assert.deepEqual(targetsOfRequest('/api/v1/machines/:id/suspend', { id: 'PC1.web.acme' }, undefined), {
      machines: ['pc1.web.acme'],
    });
    assert.deepEqual(targetsOfRequest('/api/v1/devices/:id/settings', { id: 'p1.sales.acme' }, {}), {
      devices: ['p1.sales.acme'],
    });
    assert.deepEqual(targetsOfRequest('/api/v1/commands/:id/cancel', { id: 'c-1' }, null), {
      ids: { id: 'c-1' },
    });
    assert.deepEqual(
      targetsOfRequest('/api/v1/commands', {}, { targets: { filter: '*.web.acme' }, type: 'shell' }),
      { filter: '*.web.acme' },
    );
    assert.deepEqual(targetsOfRequest('/api/v1/install-tokens', {}, { group: 'Web.Acme' }), {
      groups: ['web.acme'],
    });
  });

  it('a bulk request naming more than 1,000 machines is recorded by count and groups, without ids', () => {
    const few = Array.from({ length: LISTED_TARGETS }, (_, i) => `pc${i}.web.acme`);
    assert.deepEqual(targetsOfRequest('/api/v1/checkin-control', {}, { machines: few }).machines, few);
    const many = [
      ...Array.from({ length: 150_000 }, (_, i) => `pc${i}.web.acme`),
      ...Array.from({ length: 50_000 }, (_, i) => `db${i}.eu.globex`),
    ];
    const summary = targetsOfRequest('/api/v1/commands', {}, { targets: { machines: many }, type: 'audit' });
    assert.deepEqual(summary, { machineCount: 200_000, groups: ['eu.globex', 'web.acme'] });
    assert.deepEqual(scopeKeysOf(summary), [
      { groupId: 'eu.globex', machineId: null },
      { groupId: 'web.acme', machineId: null },
    ]);
  });

  it('scopes a filter by the groups it can reach: its trailing labels without wildcards', () => {
    assert.equal(filterGroup('pc*.eu.web.acme'), 'eu.web.acme');
    assert.equal(filterGroup('*.acme'), 'acme');
    assert.equal(filterGroup('*'), '');
    assert.equal(filterGroup('web.*'), '');
    assert.deepEqual(scopeKeysOf({ machines: ['pc1.web.acme'], filter: '*' }), [
      { groupId: 'web.acme', machineId: 'pc1.web.acme' },
      { groupId: '', machineId: null },
    ]);
  });
});

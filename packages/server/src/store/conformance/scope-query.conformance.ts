import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { compileScope, EVERYTHING, filterContains, type ScopeFilter } from '../../access/scope';
import { account, T0 } from './conformance-fixtures';
import type { StoreRef } from './store-conformance';

// Names chosen to trip a suffix match: "notacme" ends like "acme", "x_acme" holds a LIKE wildcard.
const MACHINES = [
  'pc1.acme',
  'pc2.web.acme',
  'pc3.eu.web.acme',
  'pc4.lab.acme',
  'pc5.x.lab.acme',
  'pc9.web.acme',
  'pc1.notacme',
  'pc2.web.notacme',
  'pc1.x_acme',
  'gw.edge.globex',
  'other.edge.globex',
];

const FILTERS: Record<string, ScopeFilter> = {
  everything: EVERYTHING,
  none: { all: false, scopes: [] },
  'acme but lab and pc9': {
    all: false,
    scopes: [
      compileScope([
        { kind: 'organization', id: 'acme', include: true },
        { kind: 'group', id: 'lab.acme', include: false },
        { kind: 'machine', id: 'pc9.web.acme', include: false },
        { kind: 'machine', id: 'gw.edge.globex', include: true },
      ]),
    ],
  },
  'web.acme, or globex but one machine': {
    all: false,
    scopes: [
      compileScope([{ kind: 'group', id: 'web.acme', include: true }]),
      compileScope([
        { kind: 'organization', id: 'globex', include: true },
        { kind: 'machine', id: 'other.edge.globex', include: false },
      ]),
    ],
  },
  'one machine only': {
    all: false,
    scopes: [compileScope([{ kind: 'machine', id: 'pc1.notacme', include: true }])],
  },
  'x_acme (a wildcard in the name)': {
    all: false,
    scopes: [compileScope([{ kind: 'organization', id: 'x_acme', include: true }])],
  },
};

/**
 * The SQL scope condition (store/sql/scope.sql.ts inScope) gives, on each backend, the same
 * answer as the rule in access/scope.ts (filterContains) for every machine and scope here.
 */
export function scopeQueryTests(store: StoreRef): void {
  before(async () => {
    const s = store();
    for (const id of MACHINES) {
      await s.groups.ensureGroup(id.slice(id.indexOf('.') + 1), T0);
      assert.equal(await s.machines.createMachineAccount(account(id)), true);
    }
  });

  for (const [name, filter] of Object.entries(FILTERS)) {
    it(`lists, finds and gets exactly what filterContains holds: ${name}`, async () => {
      const machines = store().machines;
      const expected = MACHINES.filter((id) =>
        filterContains(filter, id.slice(id.indexOf('.') + 1), id),
      ).sort();
      const listed = (await machines.listMachines(null, filter)).map((m) => m.id);
      assert.deepEqual(listed, expected);
      const found = (await machines.findMachines(MACHINES, filter)).map((m) => m.id).sort();
      assert.deepEqual(found, expected);
      for (const id of MACHINES) {
        assert.equal((await machines.findMachine(id, filter)) !== null, expected.includes(id), id);
      }
    });
  }

  it('the reference answers are not trivial (the suffix and exclusion cases go both ways)', () => {
    const f = FILTERS['acme but lab and pc9'] as ScopeFilter;
    assert.equal(filterContains(f, 'notacme', 'pc1.notacme'), false);
    assert.equal(filterContains(f, 'web.acme', 'pc2.web.acme'), true);
    assert.equal(filterContains(f, 'x.lab.acme', 'pc5.x.lab.acme'), false);
    assert.equal(filterContains(f, 'edge.globex', 'gw.edge.globex'), true);
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMachineFilter } from './machine-filter';

describe('machine filter: a bare name', () => {
  it('means that machine, or that group (or organization) and its subgroups', () => {
    const group = parseMachineFilter('Web.Acme');
    assert.equal(group.text, 'web.acme');
    assert.ok(group.matches('pc1.web.acme'));
    assert.ok(group.matches('pc2.eu.web.acme'), 'subgroups are included');
    assert.ok(group.matches('web.acme'), 'a machine whose id is the name itself');
    assert.ok(!group.matches('pc1.noweb.acme'), 'a group merely ending in the same letters is not');
    assert.ok(!group.matches('pc1.web.acme.org'));
    assert.deepEqual(group.likePatterns, ['web.acme', '%.web.acme']);

    const machine = parseMachineFilter('pc_1.web.acme');
    assert.ok(machine.matches('pc_1.web.acme'));
    assert.ok(!machine.matches('pcx1.web.acme'), '"_" is a literal character');
    assert.ok(!machine.matches('pc1.web.acme'));
  });

  it('with a wildcard stays a pattern over the whole id', () => {
    const f = parseMachineFilter('pc*.acme');
    assert.deepEqual(f.likePatterns, ['pc%.acme']);
    assert.ok(f.matches('pc1.web.acme'));
    assert.ok(!f.matches('x.pc1.acme'));
  });
});

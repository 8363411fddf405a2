import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Principal } from './principal';
import { compileScope, EVERYTHING, filterContains, rulesContain } from './scope';

const acmeButLab = compileScope([
  { kind: 'organization', id: 'acme', include: true },
  { kind: 'group', id: 'lab.acme', include: false },
  { kind: 'machine', id: 'pc9.web.acme', include: false },
  { kind: 'machine', id: 'gw.edge.globex', include: true },
]);

describe('scopes', () => {
  it('a group holds its subgroups; an exclusion wins over an inclusion', () => {
    assert.equal(rulesContain(acmeButLab, 'web.acme', 'pc1.web.acme'), true);
    assert.equal(rulesContain(acmeButLab, 'eu.web.acme', 'pc2.eu.web.acme'), true);
    assert.equal(rulesContain(acmeButLab, 'lab.acme', 'pc3.lab.acme'), false);
    assert.equal(rulesContain(acmeButLab, 'x.lab.acme', 'pc4.x.lab.acme'), false);
    assert.equal(rulesContain(acmeButLab, 'web.acme', 'pc9.web.acme'), false);
  });

  it('a name that only ends like a group is not in it', () => {
    assert.equal(rulesContain(acmeButLab, 'notacme', 'pc1.notacme'), false);
    assert.equal(rulesContain(acmeButLab, 'web.notacme', 'pc1.web.notacme'), false);
  });

  it('a machine named alone is in; objects of its group are not', () => {
    assert.equal(rulesContain(acmeButLab, 'edge.globex', 'gw.edge.globex'), true);
    assert.equal(rulesContain(acmeButLab, 'edge.globex', 'other.edge.globex'), false);
    assert.equal(rulesContain(acmeButLab, 'edge.globex', null), false, 'a webhook of globex');
    assert.equal(rulesContain(acmeButLab, 'acme', null), true, 'a webhook of acme');
    assert.equal(rulesContain(acmeButLab, 'lab.acme', null), false, 'an install token of an excluded group');
  });

  it('a principal sees the union of the scopes of the pairs that grant a permission', () => {
    const globex = compileScope([{ kind: 'organization', id: 'globex', include: true }]);
    const actor = {
      userId: 'u1',
      userName: 'tech',
      credential: { kind: 'token' as const, id: 't1' },
      address: '::1',
    };
    const p = new Principal(actor, [
      { permissions: new Set(['machines.view', 'commands.run']), scope: acmeButLab },
      { permissions: new Set(['machines.view']), scope: globex },
    ]);
    const view = p.require('machines.view');
    assert.equal(filterContains(view, 'web.globex', 'a.web.globex'), true);
    assert.equal(filterContains(view, 'web.acme', 'a.web.acme'), true);
    const run = p.require('commands.run');
    assert.equal(filterContains(run, 'web.globex', 'a.web.globex'), false);
    assert.equal(p.scopeFor('users.manage'), null);
    assert.throws(() => p.require('users.manage'), /needs the permission users.manage/);
    assert.deepEqual(p.permissions(), ['commands.run', 'machines.view']);
    const master = new Principal(actor, [{ permissions: new Set(['audit.view']), scope: 'all' }]);
    assert.equal(master.require('audit.view'), EVERYTHING);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machineFilterProblem, normalizedFilter } from './machine-filter';

describe('machine filter box', () => {
  it('takes what the API takes: names, dots, "-", "_" and "*" wildcards', () => {
    for (const ok of ['', '  ', '*.web.acme', 'pc*.acme', 'web.acme', 'PC_1-a.Web.acme', '*'])
      assert.equal(machineFilterProblem(ok), null, ok);
  });

  it('explains what it would refuse before anything is sent', () => {
    assert.match(machineFilterProblem('web acme;') ?? '', /only machine and group names/);
    assert.match(machineFilterProblem('%.acme') ?? '', /only machine and group names/);
    assert.match(machineFilterProblem('a'.repeat(301)) ?? '', /at most 300/);
  });

  it('sends the filter trimmed and lower-case, and nothing for an empty box', () => {
    assert.equal(normalizedFilter('  *.Web.ACME '), '*.web.acme');
    assert.equal(normalizedFilter('   '), undefined);
  });
});

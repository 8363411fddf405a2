import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runMuster } from './support/harness';

describe('muster demo', () => {
  it('starts a server and real agents, and shows them online', async () => {
    const demo = runMuster('demo', ['demo', '--agents', '2', '--once']);
    const code = await demo.wait();
    const out = demo.output();
    assert.equal(code, 0, out);
    const rows = out.split('\n').filter((l) => /\.demo\.acme\s+online/.test(l));
    assert.equal(rows.length, 2, out);
    assert.match(out, /API:\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
    assert.match(out, /Token:\s+mst_/);
  });
});

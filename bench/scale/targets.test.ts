import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScaleResults } from './results';
import { floorFanoutBound } from './targets';

const machine = { cores: 2 } as ScaleResults['machine'];
const config = { agents: 100_000 };
const fanout = (over: Partial<NonNullable<NonNullable<ScaleResults['floor']>['fanout']>>) => ({
  frameBytes: 250,
  sent: 10_000,
  answered: 10_000,
  ms: 900,
  serverCpuSeconds: 0.6,
  simulatorCpuSeconds: 0.8,
  ...over,
});
const floorWith = (f: ReturnType<typeof fanout> | null) => ({ fanout: f }) as ScaleResults['floor'];

test("the floor fan-out bound is its machine CPU per exchange times every agent, over the machine's cores", () => {
  const bound = floorFanoutBound({ floor: floorWith(fanout({})), machine, config });
  assert.ok(bound);
  // 1.4 CPU-s for 10,000 exchanges: 140 µs each; 100,000 of them on 2 cores: 7 s.
  assert.ok(Math.abs(bound.microsEach - 140) < 1e-6, String(bound.microsEach));
  assert.ok(Math.abs(bound.seconds - 7) < 1e-9, String(bound.seconds));
});

test('no floor fan-out bound without a floor, or when not every connection answered', () => {
  assert.equal(floorFanoutBound({ floor: null, machine, config }), null);
  assert.equal(floorFanoutBound({ floor: floorWith(null), machine, config }), null);
  assert.equal(floorFanoutBound({ floor: floorWith(fanout({ ms: null })), machine, config }), null);
  assert.equal(floorFanoutBound({ floor: floorWith(fanout({ answered: 0 })), machine, config }), null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultNodes, parseScaleArgs, SURVIVOR_AGENTS } from './args';

test('the default node count leaves the nodes that remain after a loss able to hold every agent', () => {
  const nodesFor = (...argv: string[]) => {
    const parsed = parseScaleArgs(argv);
    assert.notEqual(parsed, 'help');
    return (parsed as Exclude<typeof parsed, 'help'>).nodes;
  };
  assert.equal(nodesFor('--agents', '20000'), 6);
  // 100,000 on 6 nodes leaves 20,000 on each of the 5 left: one process's open-file limit here.
  assert.equal(nodesFor('--agents', '100000'), 7);
  assert.equal(nodesFor('--agents', '100000', '--nodes', '6'), 6);
  for (const agents of [1, 20_000, 90_000, 90_001, 100_000, 250_000]) {
    const nodes = defaultNodes(agents);
    assert.ok(agents / (nodes - 1) <= SURVIVOR_AGENTS, `${agents} agents on ${nodes} nodes`);
    assert.ok(
      nodes === 6 || agents / (nodes - 2) > SURVIVOR_AGENTS,
      `${nodes} nodes is not the fewest for ${agents}`,
    );
  }
});

test('--sim-node-args reach the simulator processes as separate node options', () => {
  // Given as the usage shows it (a value starting with a dash needs the = form).
  const parsed = parseScaleArgs(['--sim-node-args=--cpu-prof  --cpu-prof-dir=/tmp/p']);
  assert.notEqual(parsed, 'help');
  assert.deepEqual((parsed as Exclude<typeof parsed, 'help'>).simNodeArgs, [
    '--cpu-prof',
    '--cpu-prof-dir=/tmp/p',
  ]);
  const none = parseScaleArgs([]);
  assert.deepEqual((none as Exclude<typeof none, 'help'>).simNodeArgs, []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReplicationArgs } from './args';

test('--offsite-hash-threads sets the offsite hash threads: 0 unless given, a whole number', () => {
  const parse = (...argv: string[]) => parseReplicationArgs(argv, '/tmp');
  const options = (argv: string[]) => {
    const parsed = parse(...argv);
    assert.notEqual(parsed, 'help');
    return parsed as Exclude<typeof parsed, 'help'>;
  };
  assert.equal(options([]).offsiteHashThreads, 0);
  assert.equal(options(['--offsite-hash-threads', '2']).offsiteHashThreads, 2);
  assert.throws(() => parse('--offsite-hash-threads', '1.5'), /whole number/);
  assert.throws(() => parse('--offsite-hash-threads=-1'), /whole number/);
});

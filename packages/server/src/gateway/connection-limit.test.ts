import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentConnectionLimit, OPEN_FILE_RESERVE, openFileLimit } from './connection-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                40000                files
Max locked memory         8388608              8388608              bytes
`;

describe('openFileLimit', () => {
  it('reads the soft limit of open files from /proc/self/limits', () => {
    assert.equal(
      openFileLimit(() => LIMITS),
      20000,
    );
  });

  it('is null when the file cannot be read, has no such line, or says unlimited', () => {
    assert.equal(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
      null,
    );
    assert.equal(
      openFileLimit(() => 'Limit Soft Hard\n'),
      null,
    );
    assert.equal(
      openFileLimit(() => 'Max open files            unlimited            unlimited            files\n'),
      null,
    );
  });

  it('reads this process on Linux', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
    const limit = openFileLimit();
    assert.ok(limit !== null && limit > 0, `read ${limit}`);
  });
});

describe('agentConnectionLimit', () => {
  it('takes a configured limit as it is', () => {
    assert.equal(agentConnectionLimit(500, 20000), 500);
    assert.equal(agentConnectionLimit(50_000, 20000), 50_000);
  });

  it('leaves the reserve of a large open-file limit for the node itself', () => {
    assert.equal(agentConnectionLimit(0, 20000), 20000 - OPEN_FILE_RESERVE);
  });

  it('leaves a quarter of a small open-file limit', () => {
    assert.equal(agentConnectionLimit(0, 1024), 768);
  });

  it('has no limit when the open-file limit is unknown', () => {
    assert.equal(agentConnectionLimit(0, null), Number.POSITIVE_INFINITY);
  });
});

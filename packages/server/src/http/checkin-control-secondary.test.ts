import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApiServer, type TestApiServer } from '../test-support/api-server';

/** A secondary server that is the primary itself is refused (issue 8, item 11). */
describe('check-in control: secondary equal to the primary', () => {
  let api: TestApiServer;
  const secondaries = async () =>
    Promise.all(
      ['a.twin.acme', 'b.twin.acme'].map(
        async (id) => (await api.call('GET', `/machines/${id}`)).body.checkinControl.secondary,
      ),
    );
  before(async () => {
    api = await startTestApiServer();
    // Seeded with primary muster.example.com:5721.
    await api.seedMachines('twin.acme', ['a.twin.acme', 'b.twin.acme']);
  });
  after(async () => {
    await api?.close();
  });

  it("is refused against each machine's own primary, naming the machine, and changes nothing", async () => {
    const answer = await api.call('PUT', '/checkin-control', {
      filter: '*.twin.acme',
      settings: { secondary: { host: 'MUSTER.example.com', port: 5721 }, periodSeconds: 45 },
    });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'invalid-input');
    assert.match(
      answer.body.error.message,
      /^a\.twin\.acme: the secondary server MUSTER\.example\.com:5721 is the primary itself.*nothing was changed$/,
    );
    assert.deepEqual(await secondaries(), [null, null]);
    const periods = await Promise.all(
      ['a.twin.acme', 'b.twin.acme'].map(
        async (id) => (await api.call('GET', `/machines/${id}`)).body.checkinControl.periodSeconds,
      ),
    );
    assert.ok(!periods.includes(45), 'the rest of the patch was not applied either');
  });

  it('is refused when one request sets both to the same server', async () => {
    const answer = await api.call('PUT', '/checkin-control', {
      machines: ['a.twin.acme'],
      settings: {
        primary: { host: 'new.example.com', port: 5721 },
        secondary: { host: 'new.example.com', port: 5721 },
      },
    });
    assert.equal(answer.status, 400);
    assert.match(answer.body.error.message, /is the primary itself/);
  });

  it('accepts another server, or the same host on another port', async () => {
    const answer = await api.call('PUT', '/checkin-control', {
      filter: '*.twin.acme',
      settings: { secondary: { host: 'muster.example.com', port: 5821 } },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(await secondaries(), [
      { host: 'muster.example.com', port: 5821 },
      { host: 'muster.example.com', port: 5821 },
    ]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReplicationEvent } from '../bus/live-events';
import type { LocalReport } from '../store/replication-record';
import {
  type LocalServerState,
  MAX_EVENT_ERROR_CHARS,
  ReplicationEventThrottle,
  replicationEvent,
} from './replication-event-throttle';

const T0 = 1_700_000_000_000;

const report = (over: Partial<LocalReport> = {}): LocalReport => ({
  running: true,
  state: 'transferring',
  active: true,
  error: null,
  lastContactAt: T0,
  lastTransferAt: null,
  bytesRemaining: 1000,
  rateBytesPerSecond: 100,
  etaSeconds: 10,
  nextRunAt: null,
  lastPass: null,
  ...over,
});

const local = (over: Partial<LocalServerState> = {}): LocalServerState => ({
  id: 'l1',
  machineId: 'loc.rep.acme',
  report: report(),
  reportedAt: T0,
  active: true,
  ...over,
});

/** A throttle on a clock the test moves. */
function throttled(intervalMs = 40) {
  let now = T0;
  const sent: ReplicationEvent[] = [];
  const throttle = new ReplicationEventThrottle(
    async (event) => void sent.push(event),
    () => now,
    (error) => assert.fail(String(error)),
    intervalMs,
  );
  return {
    throttle,
    sent,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const remaining = (events: ReplicationEvent[]) => events.map((e) => e.localServer.bytesRemaining);

describe('replication events', () => {
  it('carry what GET /local-servers shows of the progress, scoped by the machine', () => {
    const pass = {
      at: T0,
      complete: true,
      filesSent: 2,
      bytesSent: 5000,
      literalBytes: 5000,
      matchedBytes: 0,
      resumedBytes: 0,
      durationMs: 50,
    };
    const event = replicationEvent(
      local({ report: report({ lastPass: pass, nextRunAt: T0 + 60_000 }) }),
      T0 + 5,
    );
    assert.deepEqual(event, {
      type: 'replication',
      localServerId: 'l1',
      machineId: 'loc.rep.acme',
      at: new Date(T0 + 5).toISOString(),
      localServer: {
        status: 'active',
        state: 'transferring',
        lastContactAt: new Date(T0).toISOString(),
        lastTransferAt: null,
        bytesRemaining: 1000,
        rateBytesPerSecond: 100,
        etaSeconds: 10,
        nextRunAt: new Date(T0 + 60_000).toISOString(),
        lastPass: pass,
        error: null,
        reportedAt: new Date(T0).toISOString(),
      },
    });
    const inactive = replicationEvent(local({ report: null, reportedAt: null, active: false }), T0);
    assert.equal(inactive.localServer.status, 'inactive');
    assert.equal(inactive.localServer.state, 'unknown');
  });

  it('cut a long error to what fits a bus message', () => {
    const event = replicationEvent(local({ report: report({ error: 'x'.repeat(2048) }) }), T0);
    assert.equal(event.localServer.error?.length, MAX_EVENT_ERROR_CHARS);
  });
});

describe('replication event throttle', () => {
  it('passes the first event at once, then at most one per interval, the latest of it last', async () => {
    const { throttle, sent, advance } = throttled();
    throttle.offer(replicationEvent(local({ report: report({ bytesRemaining: 900 }) }), T0));
    assert.deepEqual(remaining(sent), [900]);
    advance(10);
    throttle.offer(replicationEvent(local({ report: report({ bytesRemaining: 800 }) }), T0));
    throttle.offer(replicationEvent(local({ report: report({ bytesRemaining: 0, state: 'idle' }) }), T0));
    assert.deepEqual(remaining(sent), [900], 'held within the interval');
    // The held event goes out when the interval ends (real time: the timer is real).
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(
      remaining(sent),
      [900, 0],
      'the last word of the pass arrives; the one it replaced does not',
    );
    assert.equal(sent[1]?.localServer.state, 'idle');
  });

  it('sends nothing for a report that says nothing new', () => {
    const { throttle, sent, advance } = throttled();
    throttle.offer(replicationEvent(local(), T0));
    advance(100);
    // Reported again a check-in later: only the time of the report differs.
    throttle.offer(replicationEvent(local({ reportedAt: T0 + 100 }), T0 + 100));
    advance(100);
    throttle.offer(replicationEvent(local({ active: false }), T0 + 200));
    assert.deepEqual(
      sent.map((e) => e.localServer.status),
      ['active', 'inactive'],
    );
  });

  it('throttles each local server on its own', () => {
    const { throttle, sent } = throttled();
    throttle.offer(replicationEvent(local({ id: 'l1' }), T0));
    throttle.offer(replicationEvent(local({ id: 'l2' }), T0));
    throttle.offer(replicationEvent(local({ id: 'l1', report: report({ bytesRemaining: 1 }) }), T0));
    assert.deepEqual(
      sent.map((e) => e.localServerId),
      ['l1', 'l2'],
    );
    throttle.stop();
  });

  it('stop sends what waits and takes no more', () => {
    const { throttle, sent } = throttled(60_000);
    throttle.offer(replicationEvent(local(), T0));
    throttle.offer(replicationEvent(local({ report: report({ bytesRemaining: 5 }) }), T0));
    throttle.stop();
    assert.deepEqual(remaining(sent), [1000, 5]);
    throttle.offer(replicationEvent(local({ report: report({ bytesRemaining: 7 }) }), T0));
    assert.deepEqual(remaining(sent), [1000, 5]);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LocationBuffer, validateLocation } from './location-buffer';

const now = Date.parse('2025-06-01T12:00:00.000Z');
const clock = () => now;

describe('validateLocation', () => {
  test('accepts the edges of the ranges and normalises the time to ISO 8601', () => {
    for (const [lat, lon] of [
      [90, 180],
      [-90, -180],
      [0, 0],
    ] as const) {
      const checked = validateLocation({ lat, lon, at: now - 1000 }, now);
      assert.deepEqual(checked, { ok: true, point: { lat, lon, at: '2025-06-01T11:59:59.000Z' } });
    }
    const withAccuracy = validateLocation(
      { lat: 1, lon: 2, accuracyMeters: 0, at: '2025-06-01T13:00:00+01:00' },
      now,
    );
    assert.deepEqual(withAccuracy, {
      ok: true,
      point: { lat: 1, lon: 2, accuracyMeters: 0, at: '2025-06-01T12:00:00.000Z' },
    });
  });

  test('a fix without a time is stamped now', () => {
    const checked = validateLocation({ lat: 1, lon: 2 }, now);
    assert.equal(checked.ok && checked.point.at, '2025-06-01T12:00:00.000Z');
  });

  test('refuses out-of-range or non-finite coordinates and accuracy', () => {
    const reason = (input: Parameters<typeof validateLocation>[0]) => {
      const checked = validateLocation(input, now);
      return checked.ok ? 'ok' : checked.reason;
    };
    assert.equal(reason({ lat: 90.0001, lon: 0 }), 'invalid-latitude');
    assert.equal(reason({ lat: -91, lon: 0 }), 'invalid-latitude');
    assert.equal(reason({ lat: Number.NaN, lon: 0 }), 'invalid-latitude');
    assert.equal(reason({ lat: 0, lon: 180.5 }), 'invalid-longitude');
    assert.equal(reason({ lat: 0, lon: Number.NEGATIVE_INFINITY }), 'invalid-longitude');
    assert.equal(reason({ lat: 0, lon: 0, accuracyMeters: -1 }), 'invalid-accuracy');
    assert.equal(reason({ lat: 0, lon: 0, accuracyMeters: 100_001 }), 'invalid-accuracy');
    assert.equal(reason({ lat: 0, lon: 0, at: 'yesterday' }), 'invalid-time');
  });

  test('refuses fixes from the future beyond the tolerance', () => {
    assert.equal(validateLocation({ lat: 0, lon: 0, at: now + 60_000 }, now).ok, true);
    const late = validateLocation({ lat: 0, lon: 0, at: now + 60_001 }, now);
    assert.deepEqual(late, { ok: false, reason: 'in-future' });
    assert.deepEqual(validateLocation({ lat: 0, lon: 0, at: now + 1 }, now, 0), {
      ok: false,
      reason: 'in-future',
    });
  });
});

describe('location age', () => {
  test('fixes older than 30 days are refused', () => {
    const day = 86_400_000;
    assert.equal(validateLocation({ lat: 0, lon: 0, at: now - 30 * day }, now).ok, true);
    assert.deepEqual(validateLocation({ lat: 0, lon: 0, at: now - 30 * day - 1 }, now), {
      ok: false,
      reason: 'too-old',
    });
  });

  test('take drops points that aged past the limit while the phone was offline', () => {
    let clockNow = now;
    const buffer = new LocationBuffer([], { now: () => clockNow, maxAgeMs: 10_000 });
    buffer.add({ lat: 1, lon: 0, at: now - 5000 }, true);
    buffer.add({ lat: 2, lon: 0, at: now }, true);
    clockNow = now + 7000;
    assert.deepEqual(
      buffer.take().map((p) => p.lat),
      [2],
    );
    assert.equal(buffer.size, 1);
  });
});

describe('LocationBuffer', () => {
  test('keeps fixes only while tracking is on', () => {
    const buffer = new LocationBuffer([], { now: clock });
    assert.deepEqual(buffer.add({ lat: 1, lon: 1 }, false), { accepted: false, reason: 'tracking-off' });
    assert.equal(buffer.size, 0);
    assert.equal(buffer.add({ lat: 1, lon: 1 }, true).accepted, true);
    assert.equal(buffer.add({ lat: 100, lon: 1 }, true).accepted, false);
    assert.equal(buffer.size, 1);
    buffer.clear();
    assert.equal(buffer.size, 0);
  });

  test('the cap drops the oldest fixes first', () => {
    const buffer = new LocationBuffer([], { now: clock, maxPoints: 3 });
    for (let i = 0; i < 3; i++) assert.deepEqual(buffer.add({ lat: i, lon: 0 }, true).accepted, true);
    const fourth = buffer.add({ lat: 3, lon: 0 }, true);
    assert.equal(fourth.accepted && fourth.dropped, 1);
    assert.deepEqual(
      buffer.points.map((p) => p.lat),
      [1, 2, 3],
    );
  });

  test('restored points are capped too', () => {
    const at = new Date(now).toISOString();
    const buffer = new LocationBuffer(
      Array.from({ length: 5 }, (_, i) => ({ lat: i, lon: 0, at })),
      { maxPoints: 2 },
    );
    assert.deepEqual(
      buffer.points.map((p) => p.lat),
      [3, 4],
    );
  });

  test('remove takes out exactly the points sent, even when the cap moved things meanwhile', () => {
    const buffer = new LocationBuffer([], { now: clock, maxPoints: 3 });
    buffer.add({ lat: 0, lon: 0 }, true);
    buffer.add({ lat: 1, lon: 0 }, true);
    const sent = buffer.take();
    assert.equal(sent.length, 2);
    // While the check-in is in flight: two more fixes arrive and the cap drops the oldest.
    buffer.add({ lat: 2, lon: 0 }, true);
    buffer.add({ lat: 3, lon: 0 }, true);
    buffer.remove(sent);
    assert.deepEqual(
      buffer.points.map((p) => p.lat),
      [2, 3],
    );
  });

  test('take returns at most the requested number, oldest first, and keeps them buffered', () => {
    const buffer = new LocationBuffer([], { now: clock });
    for (let i = 0; i < 5; i++) buffer.add({ lat: i, lon: 0 }, true);
    assert.deepEqual(
      buffer.take(2).map((p) => p.lat),
      [0, 1],
    );
    assert.equal(buffer.size, 5);
  });
});

import type { LocationPoint } from '@muster/protocol';

/** A location fix as the app reports it; `at` defaults to now and is normalised to ISO 8601. */
export interface LocationInput {
  lat: number;
  lon: number;
  accuracyMeters?: number;
  at?: string | number | Date;
}

/** Why a fix was not buffered. */
export type LocationRejection =
  | 'tracking-off'
  | 'invalid-latitude'
  | 'invalid-longitude'
  | 'invalid-accuracy'
  | 'invalid-time'
  | 'in-future'
  | 'too-old';

/** The outcome of offering one fix to the buffer. */
export type LocationAddResult =
  | { accepted: true; point: LocationPoint; dropped: number }
  | { accepted: false; reason: LocationRejection };

/** Tuning of a LocationBuffer. */
export interface LocationBufferOptions {
  /** Most points kept; the oldest go first. Default 5000, the most one check-in may carry. */
  maxPoints?: number;
  /** How far ahead of the device clock a fix may be stamped (GPS time vs. a drifting clock). Default 60 s. */
  futureToleranceMs?: number;
  /** Oldest fix kept, in ms; default 30 days (the server refuses a check-in with fixes over 31 days old). */
  maxAgeMs?: number;
  now?: () => number;
}

/** Most points one check-in may carry (DeviceCheckinRequestSchema's maxItems). */
export const MAX_LOCATIONS_PER_CHECKIN = 5000;

const MAX_ACCURACY_METERS = 100_000;

/** Default oldest fix kept: a day under the server's 31-day limit, for time in flight and clock drift. */
export const DEFAULT_MAX_LOCATION_AGE_MS = 30 * 86_400_000;

/**
 * Checks one fix against the contract's ranges and turns it into a LocationPoint, or says
 * why not. Done on the device so one bad fix cannot get a whole check-in rejected.
 */
export function validateLocation(
  input: LocationInput,
  now: number,
  futureToleranceMs = 60_000,
  maxAgeMs = DEFAULT_MAX_LOCATION_AGE_MS,
): { ok: true; point: LocationPoint } | { ok: false; reason: Exclude<LocationRejection, 'tracking-off'> } {
  if (!Number.isFinite(input.lat) || input.lat < -90 || input.lat > 90)
    return { ok: false, reason: 'invalid-latitude' };
  if (!Number.isFinite(input.lon) || input.lon < -180 || input.lon > 180)
    return { ok: false, reason: 'invalid-longitude' };
  const accuracy = input.accuracyMeters;
  if (
    accuracy !== undefined &&
    (!Number.isFinite(accuracy) || accuracy < 0 || accuracy > MAX_ACCURACY_METERS)
  )
    return { ok: false, reason: 'invalid-accuracy' };
  const at = input.at === undefined ? now : new Date(input.at).getTime();
  if (!Number.isFinite(at)) return { ok: false, reason: 'invalid-time' };
  if (at > now + futureToleranceMs) return { ok: false, reason: 'in-future' };
  if (at < now - maxAgeMs) return { ok: false, reason: 'too-old' };
  const point: LocationPoint = { lat: input.lat, lon: input.lon, at: new Date(at).toISOString() };
  if (accuracy !== undefined) point.accuracyMeters = accuracy;
  return { ok: true, point };
}

/**
 * Locations collected between check-ins. Only kept while tracking is on: turning tracking off
 * drops everything, because the user's choice covers positions already collected too. Capped
 * so a phone that cannot reach the server for weeks does not grow without bound.
 */
export class LocationBuffer {
  private items: LocationPoint[];
  private readonly maxPoints: number;
  private readonly futureToleranceMs: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  /** Starts from points restored from the state file (already validated when first added). */
  constructor(initial: readonly LocationPoint[] = [], options: LocationBufferOptions = {}) {
    this.maxPoints = Math.max(1, Math.floor(options.maxPoints ?? MAX_LOCATIONS_PER_CHECKIN));
    this.futureToleranceMs = options.futureToleranceMs ?? 60_000;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_LOCATION_AGE_MS;
    this.now = options.now ?? Date.now;
    this.items = initial.slice(-this.maxPoints);
  }

  /** The buffered points, oldest first. */
  get points(): readonly LocationPoint[] {
    return this.items;
  }

  /** How many points are buffered. */
  get size(): number {
    return this.items.length;
  }

  /** Offers a fix; kept only when tracking is on and the fix is valid. */
  add(input: LocationInput, tracking: boolean): LocationAddResult {
    if (!tracking) return { accepted: false, reason: 'tracking-off' };
    const checked = validateLocation(input, this.now(), this.futureToleranceMs, this.maxAgeMs);
    if (!checked.ok) return { accepted: false, reason: checked.reason };
    this.items.push(checked.point);
    const dropped = Math.max(0, this.items.length - this.maxPoints);
    if (dropped > 0) this.items.splice(0, dropped);
    return { accepted: true, point: checked.point, dropped };
  }

  /**
   * The oldest points up to `max`, for a check-in; they stay buffered until `remove`. Points
   * that grew too old while the phone was offline are dropped first: the server would refuse
   * the whole check-in for one of them.
   */
  take(max = MAX_LOCATIONS_PER_CHECKIN): LocationPoint[] {
    const oldest = this.now() - this.maxAgeMs;
    this.items = this.items.filter((point) => Date.parse(point.at) >= oldest);
    return this.items.slice(0, max);
  }

  /**
   * Removes points the server has stored. Matched by identity, not position: points may have
   * been added, or the oldest dropped by the cap, while the check-in was in flight.
   */
  remove(sent: readonly LocationPoint[]): void {
    const gone = new Set(sent);
    this.items = this.items.filter((point) => !gone.has(point));
  }

  /** Drops every buffered point (tracking turned off). */
  clear(): void {
    this.items = [];
  }
}

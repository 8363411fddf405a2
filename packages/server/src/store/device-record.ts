import type { DevicePlatform, PushChannel } from '@muster/protocol';

/** A mobile device as the store holds it. */
export interface DeviceRecord {
  id: string;
  guid: string;
  name: string;
  groupId: string;
  orgId: string;
  platform: DevicePlatform;
  publicKey: string;
  model: string | null;
  osVersion: string | null;
  batteryPercent: number | null;
  pushChannel: PushChannel | null;
  /** The device's own interval; null inherits its group's. */
  checkinIntervalMinutes: number | null;
  /** The device's own tracking switch; null inherits its group's. */
  tracking: boolean | null;
  enrolledAt: number;
  lastCheckinAt: number | null;
}

/** Per-group device settings (null: inherit from the parent group, then the default). */
export interface DeviceGroupSettings {
  checkinIntervalMinutes: number | null;
  tracking: boolean | null;
}

/** A stored location. */
export interface StoredLocation {
  at: number;
  lat: number;
  lon: number;
  accuracyMeters: number | null;
}

/** One wake-up attempt and what followed. */
export interface WakeRecord {
  id: string;
  deviceId: string;
  channel: string;
  status: 'queued' | 'sent' | 'failed';
  reason: string | null;
  attempts: number;
  requestedAt: number;
  sentAt: number | null;
  checkinAt: number | null;
}

/** What a device presents at enrollment. */
export interface DeviceEnrollment {
  tokenHash: string;
  now: number;
  name: string;
  platform: DevicePlatform;
  publicKey: string;
  guid: string;
  model: string | null;
  osVersion: string | null;
  batteryPercent: number | null;
  pushChannel: PushChannel | null;
}

/** The outcome of a device enrollment. */
export type DeviceEnrollmentResult =
  | { kind: 'enrolled'; device: DeviceRecord }
  | { kind: 'token-invalid'; reason: 'unknown' | 'expired' | 'wrong-platform' };

// The device routes answer without response schemas in the OpenAPI document yet, so the
// generated client types their answers as nothing. These are the shapes the server's
// devices.routes.ts and command-view.ts build; the casts go once the document describes them.

/** A device as GET /devices and GET /devices/{id} show it. */
export interface DeviceView {
  id: string;
  guid: string;
  name: string;
  group: string;
  platform: 'ios' | 'android';
  model: string | null;
  osVersion: string | null;
  batteryPercent: number | null;
  enrolledAt: string | null;
  lastCheckinAt: string | null;
  nextCheckinExpectedAt: string | null;
  overdue: boolean;
  /** In force: the device's own, else its group's, else the default. */
  tracking: boolean;
  checkinIntervalMinutes: number;
  /** The device's own settings; null inherits from its group. */
  ownSettings: { checkinIntervalMinutes: number | null; tracking: boolean | null };
  pushChannel: { kind: string } | null;
}

/** One wake-up attempt (Request Checkin) and the check-in that followed. */
export interface WakeView {
  id: string;
  channel: string;
  status: 'queued' | 'sent' | 'failed';
  reason: string | null;
  attempts: number;
  requestedAt: string | null;
  sentAt: string | null;
  checkinAt: string | null;
}

/** A command as GET /commands shows it. */
export interface CommandView {
  id: string;
  target: string;
  type: string;
  params: Record<string, unknown>;
  status: string;
  attempts: number;
  createdAt: string | null;
  updatedAt: string | null;
  expiresAt: string | null;
  finishedAt: string | null;
  createdBy: string | null;
  result: { exitCode: number | null; output: string | null; error: string | null } | null;
  transitions?: Array<{ status: string; at: string | null; detail: string | null }>;
}

/** A stored position of a device. */
export interface LocationPoint {
  lat: number;
  lon: number;
  accuracyMeters: number | null;
  at: string | null;
}

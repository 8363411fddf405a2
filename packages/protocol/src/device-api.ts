import { createHash } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';

/**
 * The device API: what a managed phone (the app embedding @muster/device) speaks with the
 * server over HTTPS. Requests after enrollment are signed with the device's Ed25519 key;
 * a timestamp and a single-use nonce make a captured request worthless.
 */
export const DEVICE_API_PREFIX = '/device/v1';

/** Default check-in interval of a device, in minutes (the spec's 12 hours). */
export const DEFAULT_DEVICE_CHECKIN_MINUTES = 720;

/** How far a signed request's timestamp may be from the server's clock. */
export const DEVICE_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Device platforms. */
export const DevicePlatformSchema = Type.Union([Type.Literal('ios'), Type.Literal('android')]);
/** A device platform. */
export type DevicePlatform = Static<typeof DevicePlatformSchema>;

/** How the server can wake a device for an immediate check-in. */
export const PushChannelSchema = Type.Union([
  Type.Object(
    { kind: Type.Literal('apns'), token: Type.String({ pattern: '^[0-9a-fA-F]{16,200}$' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('sms'), phoneNumber: Type.String({ pattern: '^\\+?[0-9]{5,15}$' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('webhook'), url: Type.String({ pattern: '^https?://', maxLength: 2000 }) },
    { additionalProperties: false },
  ),
]);
/** A push channel. */
export type PushChannel = Static<typeof PushChannelSchema>;

/** Device facts sent at enrollment and at each check-in. */
export const DeviceInfoSchema = Type.Object(
  {
    model: Type.Optional(Type.String({ maxLength: 128 })),
    osVersion: Type.Optional(Type.String({ maxLength: 64 })),
    batteryPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    pushChannel: Type.Optional(PushChannelSchema),
  },
  { additionalProperties: false },
);
/** Device facts. */
export type DeviceInfo = Static<typeof DeviceInfoSchema>;

/** POST /device/v1/enroll */
export const DeviceEnrollRequestSchema = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 63, description: 'device name, e.g. alice-iphone' }),
    platform: DevicePlatformSchema,
    publicKey: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'Ed25519 public key, SPKI DER, base64',
    }),
    info: DeviceInfoSchema,
  },
  { additionalProperties: false },
);
/** An enrollment request. */
export type DeviceEnrollRequest = Static<typeof DeviceEnrollRequestSchema>;

/** The answer to an enrollment. */
export interface DeviceEnrollResponse {
  deviceId: string;
  guid: string;
  group: string;
  checkinIntervalMinutes: number;
  tracking: boolean;
  serverId: string;
}

/** One collected location. */
export const LocationPointSchema = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    accuracyMeters: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
/** A location point. */
export type LocationPoint = Static<typeof LocationPointSchema>;

/** POST /device/v1/checkin (signed) */
export const DeviceCheckinRequestSchema = Type.Object(
  {
    info: DeviceInfoSchema,
    locations: Type.Array(LocationPointSchema, { maxItems: 5000 }),
  },
  { additionalProperties: false },
);
/** A check-in request. */
export type DeviceCheckinRequest = Static<typeof DeviceCheckinRequestSchema>;

/** A command handed to a device. */
export interface DeviceCommand {
  id: string;
  type: string;
  params: Record<string, unknown>;
}

/** The answer to a check-in: every queued command, and the settings in force. */
export interface DeviceCheckinResponse {
  commands: DeviceCommand[];
  checkinIntervalMinutes: number;
  tracking: boolean;
  /** When the server expects the next check-in. */
  nextCheckinBy: string;
  locationsStored: number;
}

/** One command result. "not-now" gives the command back to the queue. */
export const DeviceResultSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    status: Type.Union([Type.Literal('complete'), Type.Literal('failed'), Type.Literal('not-now')]),
    output: Type.Optional(Type.String({ maxLength: 64 * 1024 })),
    error: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);
/** A command result from a device. */
export type DeviceResult = Static<typeof DeviceResultSchema>;

/** POST /device/v1/results (signed) */
export const DeviceResultsRequestSchema = Type.Object(
  { results: Type.Array(DeviceResultSchema, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

/** Command types a device understands, and which of them wake an iOS device by push at once. */
export const DEVICE_COMMAND_TYPES = ['locate', 'lock', 'ring', 'message', 'wipe', 'sync'] as const;
/** Device command types that push to iOS as soon as they are queued. */
export const IOS_PUSH_COMMAND_TYPES: readonly string[] = ['locate', 'lock', 'ring', 'message', 'wipe'];

/** Headers of a signed device request. */
export const DEVICE_HEADERS = {
  device: 'x-muster-device',
  timestamp: 'x-muster-timestamp',
  nonce: 'x-muster-nonce',
  signature: 'x-muster-signature',
} as const;

/** The bytes a device signs for one request. */
export function deviceRequestSigningBytes(
  method: string,
  path: string,
  deviceId: string,
  timestamp: string,
  nonce: string,
  body: string | Buffer,
): Buffer {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return Buffer.from(
    ['muster-device-v1', method.toUpperCase(), path, deviceId, timestamp, nonce, bodyHash].join('\n'),
    'utf8',
  );
}

import { type Static, Type } from '@sinclair/typebox';
import { ServerAddressSchema } from './checkin-control';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Directory = Type.String({ minLength: 1, maxLength: 4096 });
const Fingerprint = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Guid = Type.String({ minLength: 1, maxLength: 64 });

/** Offsite server ports the spec allows: registered ports only. */
export const OFFSITE_PORT_MIN = 1024;
/** Offsite server ports the spec allows: registered ports only. */
export const OFFSITE_PORT_MAX = 49151;

/** Keep-last / daily / weekly retention of synthetic full snapshots. */
export const SnapshotRetentionSchema = Type.Object(
  {
    keepLast: Type.Integer({ minimum: 1, maximum: 1000 }),
    daily: Type.Integer({ minimum: 0, maximum: 1000 }),
    weekly: Type.Integer({ minimum: 0, maximum: 1000 }),
  },
  { additionalProperties: false },
);

/**
 * Parameters of the replication procedures. The server fills in the pins: an offsite server
 * accepts only the agent keys of the local servers assigned to it, and a local server talks
 * only to the agent key of its offsite server. Both are agent identity keys the server already
 * holds, so no key material is ever sent.
 */
export const ReplicationCommandParams = {
  'start-offsite-server': Type.Object(
    {
      offsiteServerId: Id,
      port: Type.Integer({ minimum: OFFSITE_PORT_MIN, maximum: OFFSITE_PORT_MAX }),
      directory: Directory,
      syntheticFull: Type.Boolean(),
      retention: SnapshotRetentionSchema,
      /** When stored data is re-hashed against its manifest (cron). */
      verifySchedule: Type.String({ minLength: 1, maxLength: 200 }),
      allow: Type.Array(
        Type.Object({ guid: Guid, keyFingerprint: Fingerprint }, { additionalProperties: false }),
        {
          maxItems: 10_000,
        },
      ),
    },
    { additionalProperties: false },
  ),
  'stop-offsite-server': Type.Object({ offsiteServerId: Id }, { additionalProperties: false }),
  'verify-offsite-server': Type.Object({ offsiteServerId: Id }, { additionalProperties: false }),
  'start-local-server': Type.Object(
    {
      localServerId: Id,
      directory: Directory,
      guid: Guid,
      offsite: Type.Object(
        {
          host: ServerAddressSchema.properties.host,
          port: Type.Integer({ minimum: OFFSITE_PORT_MIN, maximum: OFFSITE_PORT_MAX }),
          keyFingerprint: Fingerprint,
        },
        { additionalProperties: false },
      ),
      schedule: Type.String({ minLength: 1, maxLength: 200 }),
      bandwidthKBps: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
      deleteDelaySeconds: Type.Integer({ minimum: 0, maximum: 365 * 86400 }),
      sameMachineAsOffsite: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  'stop-local-server': Type.Object({ localServerId: Id }, { additionalProperties: false }),
  'replicate-now': Type.Object({ localServerId: Id }, { additionalProperties: false }),
} as const;

/** Parameters of start-offsite-server. */
export type StartOffsiteParams = Static<(typeof ReplicationCommandParams)['start-offsite-server']>;
/** Parameters of start-local-server. */
export type StartLocalParams = Static<(typeof ReplicationCommandParams)['start-local-server']>;

const Count = Type.Number({ minimum: 0 });

/** What the last transfer of a local server did (bytes on the wire, resumed, matched). */
export const PassSummarySchema = Type.Object(
  {
    at: Type.Integer({ minimum: 0 }),
    complete: Type.Boolean(),
    filesSent: Count,
    bytesSent: Count,
    literalBytes: Count,
    matchedBytes: Count,
    resumedBytes: Count,
    durationMs: Count,
  },
  { additionalProperties: false },
);
/** A local server's last transfer, as reported. */
export type PassSummary = Static<typeof PassSummarySchema>;

/** What the latest verification of an offsite server's stored data found. */
export const VerificationSchema = Type.Object(
  {
    at: Type.Integer({ minimum: 0 }),
    filesChecked: Count,
    bytesChecked: Count,
    corrupted: Type.Array(
      Type.Object(
        { guid: Guid, path: Type.String({ maxLength: 4096 }), blocks: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    missing: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
/** An offsite server's latest verification, as reported. */
export type Verification = Static<typeof VerificationSchema>;

/** An agent reports the state of a replication role it runs (every check-in and on change). */
export const ReplicationStatusSchema = Type.Object(
  {
    t: Type.Literal('replication-status'),
    role: Type.Union([Type.Literal('offsite-server'), Type.Literal('local-server')]),
    id: Id,
    running: Type.Boolean(),
    error: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
    /** offsite-server */
    freeBytes: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
    sessions: Type.Optional(Type.Integer({ minimum: 0 })),
    /** local-server */
    state: Type.Optional(Type.String({ maxLength: 32 })),
    active: Type.Optional(Type.Boolean()),
    lastContactAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    lastTransferAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    bytesRemaining: Type.Optional(Type.Number({ minimum: 0 })),
    rateBytesPerSecond: Type.Optional(Type.Number({ minimum: 0 })),
    etaSeconds: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
    nextRunAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    lastPass: Type.Optional(Type.Union([PassSummarySchema, Type.Null()])),
    /** offsite-server: the latest verification of stored data. */
    lastVerification: Type.Optional(Type.Union([VerificationSchema, Type.Null()])),
  },
  { additionalProperties: false },
);
/** A replication status report. */
export type ReplicationStatusMessage = Static<typeof ReplicationStatusSchema>;

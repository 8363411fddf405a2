import { PassSummarySchema, VerificationSchema } from '@muster/protocol';
import { Type } from '@sinclair/typebox';
import { component } from '../http/openapi-components';
import { StringEnum } from '../http/schemas';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);
const NumberOrNull = Type.Union([Type.Number(), Type.Null()]);

/** What the last transfer of a local server did, as its agent reported it. */
export const ReplicationPassSchema = component('ReplicationPass', PassSummarySchema);

/** What the latest verification of an offsite server's stored copies found. */
export const OffsiteVerificationSchema = component('OffsiteVerification', VerificationSchema);

const OffsiteServerProperties = {
  id: Type.String(),
  machineId: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  directory: Type.String(),
  syntheticFull: Type.Boolean(),
  status: StringEnum(['online', 'offline'], {
    description: 'online: its agent is connected and reported the role running recently',
  }),
  agentStatus: Type.String({ description: "the check-in status of the role's machine, or unknown" }),
  freeBytes: NumberOrNull,
  connectedLocalServers: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  lastVerification: Type.Union([OffsiteVerificationSchema, Type.Null()]),
  reportedAt: IsoOrNull,
  createdAt: IsoOrNull,
  updatedAt: IsoOrNull,
};

const LocalServerProperties = {
  id: Type.String(),
  machineId: Type.String(),
  directory: Type.String(),
  offsiteServerId: Type.String(),
  schedule: Type.String({ description: 'cron' }),
  bandwidthKBps: Type.Integer({ description: 'KB/s, 0 for unlimited' }),
  status: StringEnum(['active', 'inactive'], {
    description: 'active: it reached its offsite server recently',
  }),
  state: Type.String({ description: "the transfer's state as the agent reported it, or unknown" }),
  lastContactAt: IsoOrNull,
  lastTransferAt: IsoOrNull,
  bytesRemaining: NumberOrNull,
  rateBytesPerSecond: NumberOrNull,
  etaSeconds: NumberOrNull,
  nextRunAt: IsoOrNull,
  lastPass: Type.Union([ReplicationPassSchema, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  inactiveSince: IsoOrNull,
  reportedAt: IsoOrNull,
  createdAt: IsoOrNull,
  updatedAt: IsoOrNull,
};

/** The procedures a change queued on agents, and what the administrator should know of it. */
const ChangeProperties = {
  procedures: Type.Array(Type.String(), { description: 'ids of the commands queued on the agents' }),
  warnings: Type.Array(Type.String()),
};

/** An offsite server as the API shows it, with its agent's status. */
export const OffsiteServerDefinition = Type.Object(OffsiteServerProperties);
/** The shared schema of an offsite server. */
export const OffsiteServerSchema = component('OffsiteServer', OffsiteServerDefinition);

/** A local server as the API shows it: active or inactive, and how its transfer is going. */
export const LocalServerDefinition = Type.Object(LocalServerProperties);
/** The shared schema of a local server. */
export const LocalServerSchema = component('LocalServer', LocalServerDefinition);

/** An offsite server after a create or an edit, with the procedures queued for it. */
export const OffsiteServerChangeSchema = component(
  'OffsiteServerChange',
  Type.Object({ ...OffsiteServerProperties, ...ChangeProperties }),
);

/** A local server after a create or an edit, with the procedures queued for it. */
export const LocalServerChangeSchema = component(
  'LocalServerChange',
  Type.Object({ ...LocalServerProperties, ...ChangeProperties }),
);

/** What a delete, restart, verify or replicate-now queued on agents. */
export const ReplicationProceduresSchema = component(
  'ReplicationProcedures',
  Type.Object({ procedures: ChangeProperties.procedures }),
);

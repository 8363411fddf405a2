import { type Static, Type } from '@sinclair/typebox';
import { CheckinControlSchema, ServerAddressSchema } from './checkin-control';
import { CommandAckSchema, CommandResultSchema, CommandSchema } from './command-messages';
import { AgentFileMessages, ServerFileMessages } from './file-messages';
import { ReplicationStatusSchema } from './replication-params';
import { AgentTerminalMessages, ServerTerminalMessages } from './terminal-messages';

const Base64 = (maxLength: number) => Type.String({ maxLength, pattern: '^[A-Za-z0-9+/=]*$' });
const ShortText = (maxLength = 256) => Type.String({ maxLength });

/** Protocol version spoken by this build. */
export const PROTOCOL_VERSION = 1;

/** Largest frame either side accepts on the agent port, in bytes. */
export const MAX_AGENT_FRAME_BYTES = 256 * 1024;

/** Agent opens the handshake with a fresh nonce for the server to sign. */
export const HelloSchema = Type.Object(
  { t: Type.Literal('hello'), v: Type.Integer({ minimum: 1, maximum: 1000 }), clientNonce: Base64(64) },
  { additionalProperties: false },
);

/** Server proves its identity (signature over both nonces and the TLS channel binding). */
export const ChallengeSchema = Type.Object(
  {
    t: Type.Literal('challenge'),
    serverNonce: Base64(64),
    serverPublicKey: Base64(256),
    serverSignature: Base64(256),
  },
  { additionalProperties: false },
);

/** Agent proves possession of its key; carries an install token at first enrollment. */
export const AuthSchema = Type.Object(
  {
    t: Type.Literal('auth'),
    publicKey: Base64(256),
    signature: Base64(256),
    enrollToken: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    hostName: ShortText(253),
    hardwareId: ShortText(128),
    agentVersion: ShortText(64),
    /**
     * When the agent began this connection attempt, in milliseconds of its own clock, and later
     * than each of its earlier attempts. A node may welcome an attempt the agent has already
     * given up on (it timed out and went to another node); the store orders an agent's sessions
     * by this, so such a session cannot take the machine's connected flag from the newer one.
     */
    attemptAt: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    /** The server addresses the agent was installed with; they seed a new account's settings. */
    configured: Type.Optional(
      Type.Object(
        { primary: ServerAddressSchema, secondary: Type.Union([ServerAddressSchema, Type.Null()]) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Server accepts the agent: its account, settings and effective period. */
export const WelcomeSchema = Type.Object(
  {
    t: Type.Literal('welcome'),
    machineId: ShortText(300),
    guid: ShortText(64),
    checkinControl: CheckinControlSchema,
    settingsRevision: Type.Integer({ minimum: 0, maximum: 2147483647 }),
    auditRequired: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** The quick check-in: small, volatile state only. */
export const CheckinSchema = Type.Object(
  {
    t: Type.Literal('checkin'),
    loggedOnUser: Type.Union([ShortText(128), Type.Null()]),
    userIdleSeconds: Type.Integer({ minimum: 0, maximum: 10 * 365 * 86400 }),
    localAddresses: Type.Array(ShortText(64), { maxItems: 64 }),
    agentVersion: ShortText(64),
  },
  { additionalProperties: false },
);

const DiskSchema = Type.Object(
  { mount: ShortText(), totalBytes: Type.Number({ minimum: 0 }), freeBytes: Type.Number({ minimum: 0 }) },
  { additionalProperties: false },
);
const InterfaceSchema = Type.Object(
  { name: ShortText(64), mac: ShortText(32), addresses: Type.Array(ShortText(64), { maxItems: 64 }) },
  { additionalProperties: false },
);

/** The machine inventory sent at first audit and on demand. */
export const InventorySchema = Type.Object(
  {
    hostName: ShortText(253),
    os: Type.Object(
      { platform: ShortText(32), release: ShortText(), version: ShortText(), arch: ShortText(32) },
      { additionalProperties: false },
    ),
    cpu: Type.Object(
      { model: ShortText(), cores: Type.Integer({ minimum: 0, maximum: 100000 }) },
      { additionalProperties: false },
    ),
    memoryBytes: Type.Number({ minimum: 0 }),
    disks: Type.Array(DiskSchema, { maxItems: 256 }),
    networkInterfaces: Type.Array(InterfaceSchema, { maxItems: 256 }),
    hardwareId: ShortText(128),
  },
  { additionalProperties: false },
);
/** A machine inventory. */
export type Inventory = Static<typeof InventorySchema>;

/** Agent sends its inventory. */
export const AuditSchema = Type.Object(
  { t: Type.Literal('audit'), inventory: InventorySchema },
  { additionalProperties: false },
);

/** Agent confirms it stored a settings revision. */
export const SettingsAppliedSchema = Type.Object(
  { t: Type.Literal('settings-applied'), revision: Type.Integer({ minimum: 0, maximum: 2147483647 }) },
  { additionalProperties: false },
);

/** Messages an agent may send, by type. */
export const AgentToServer = {
  hello: HelloSchema,
  auth: AuthSchema,
  checkin: CheckinSchema,
  audit: AuditSchema,
  'settings-applied': SettingsAppliedSchema,
  'command-result': CommandResultSchema,
  ...AgentFileMessages,
  'replication-status': ReplicationStatusSchema,
  ...AgentTerminalMessages,
} as const;

/** Messages a server may send, by type. */
export const ServerToAgent = {
  challenge: ChallengeSchema,
  welcome: WelcomeSchema,
  command: CommandSchema,
  'command-ack': CommandAckSchema,
  ...ServerFileMessages,
  ...ServerTerminalMessages,
} as const;

/** A message an agent sends, discriminated by `t`. */
export type AgentMessage = { [K in keyof typeof AgentToServer]: Static<(typeof AgentToServer)[K]> };
/** A message a server sends, discriminated by `t`. */
export type ServerMessage = { [K in keyof typeof ServerToAgent]: Static<(typeof ServerToAgent)[K]> };

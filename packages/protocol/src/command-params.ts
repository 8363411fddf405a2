import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { CheckinControlSchema } from './checkin-control';
import { ReplicationCommandParams } from './replication-params';

/** The largest script a shell command may carry. */
export const MAX_SCRIPT_BYTES = 64 * 1024;

const AbsolutePath = Type.String({ minLength: 1, maxLength: 4096 });

/** The largest file get-file fetches unless the command says otherwise (the server caps it too). */
export const DEFAULT_GET_FILE_MAX_BYTES = 1024 * 1024 * 1024;

/**
 * Parameters of each agent command type; the server validates them before queueing. For
 * put-file the server fills in the file's size and SHA-256 from its file store, so the agent
 * checks what it received against values signed by the server.
 */
export const AgentCommandParams = {
  shell: Type.Object(
    {
      script: Type.String({ minLength: 1, maxLength: MAX_SCRIPT_BYTES }),
      interpreter: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
      args: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 64 })),
      timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
      workingDirectory: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    },
    { additionalProperties: false },
  ),
  'get-file': Type.Object(
    {
      path: AbsolutePath,
      maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    },
    { additionalProperties: false },
  ),
  'put-file': Type.Object(
    {
      fileId: Type.String({ minLength: 1, maxLength: 64 }),
      path: AbsolutePath,
      overwrite: Type.Optional(Type.Boolean()),
      size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
      sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    },
    { additionalProperties: false },
  ),
  audit: Type.Object({}, { additionalProperties: false }),
  'update-checkin-control': Type.Object(
    { checkinControl: CheckinControlSchema, revision: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  'restart-agent': Type.Object({}, { additionalProperties: false }),
  /**
   * The server's newer agent build: the agent fetches it over its connection (file-read, like
   * put-file), checks size and SHA-256 (signed with the command), swaps it in keeping the old
   * one, and restarts into it; the new one must check in within trialSeconds or the agent goes
   * back to the old one. Only the self-contained agent executable updates itself.
   */
  'update-agent': Type.Object(
    {
      version: Type.String({ minLength: 1, maxLength: 64 }),
      size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
      trialSeconds: Type.Integer({ minimum: 5, maximum: 3600 }),
    },
    { additionalProperties: false },
  ),
  uninstall: Type.Object({}, { additionalProperties: false }),
  ...ReplicationCommandParams,
} as const satisfies Record<string, TSchema>;

/** Parameters of a get-file command. */
export type GetFileParams = Static<(typeof AgentCommandParams)['get-file']>;
/** Parameters of a put-file command. */
export type PutFileParams = Static<(typeof AgentCommandParams)['put-file']>;
/** Parameters of an update-agent command. */
export type UpdateAgentParams = Static<(typeof AgentCommandParams)['update-agent']>;
/** Parameters of a shell command. */
export type ShellParams = Static<(typeof AgentCommandParams)['shell']>;

/** One agent command type. */
export type AgentCommandType = keyof typeof AgentCommandParams;

/** Every command type an agent runs. */
export const AGENT_COMMAND_TYPES = Object.keys(AgentCommandParams) as AgentCommandType[];

import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { CheckinControlSchema } from './checkin-control';

/** The largest script a shell command may carry. */
export const MAX_SCRIPT_BYTES = 64 * 1024;

/**
 * Parameters of each agent command type; the server validates them before queueing.
 * File transfer (get-file, put-file) is not offered yet: the server refuses it as unknown.
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
  audit: Type.Object({}, { additionalProperties: false }),
  'update-checkin-control': Type.Object(
    { checkinControl: CheckinControlSchema, revision: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  'restart-agent': Type.Object({}, { additionalProperties: false }),
  uninstall: Type.Object({}, { additionalProperties: false }),
} as const satisfies Record<string, TSchema>;

/** Parameters of a shell command. */
export type ShellParams = Static<(typeof AgentCommandParams)['shell']>;

/** One agent command type. */
export type AgentCommandType = keyof typeof AgentCommandParams;

/** Every command type an agent runs. */
export const AGENT_COMMAND_TYPES = Object.keys(AgentCommandParams) as AgentCommandType[];

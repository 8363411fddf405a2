import { type Static, Type } from '@sinclair/typebox';

/** A JSON object of command parameters (validated per type by the server before queueing). */
export const ParamsSchema = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown());

/** Server hands a command to an agent; signed by the server identity. */
export const CommandSchema = Type.Object(
  {
    t: Type.Literal('command'),
    id: Type.String({ minLength: 1, maxLength: 64 }),
    machineId: Type.String({ maxLength: 300 }),
    type: Type.String({ maxLength: 64 }),
    params: ParamsSchema,
    issuedAt: Type.Integer({ minimum: 0 }),
    attempt: Type.Integer({ minimum: 1 }),
    signature: Type.String({ maxLength: 256 }),
  },
  { additionalProperties: false },
);
/** A command as the agent receives it. */
export type CommandMessage = Static<typeof CommandSchema>;

/** Server confirms it stored a result; the agent may drop it from its journal. */
export const CommandAckSchema = Type.Object(
  { t: Type.Literal('command-ack'), id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** Agent reports how a command ended. Output is capped by the agent and again by the server. */
export const CommandResultSchema = Type.Object(
  {
    t: Type.Literal('command-result'),
    id: Type.String({ minLength: 1, maxLength: 64 }),
    status: Type.Union([Type.Literal('complete'), Type.Literal('failed')]),
    exitCode: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    output: Type.Optional(Type.String({ maxLength: 128 * 1024 })),
    error: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);
/** A command result as sent by an agent. */
export type CommandResultMessage = Static<typeof CommandResultSchema>;

/** The bytes a command signature covers: every field the agent acts on, in a fixed order. */
export function commandSigningBytes(
  c: Pick<CommandMessage, 'id' | 'machineId' | 'type' | 'params' | 'issuedAt'>,
): Buffer {
  return Buffer.from(
    JSON.stringify(['muster-command-v1', c.id, c.machineId, c.type, canonical(c.params), c.issuedAt]),
    'utf8',
  );
}

/** Canonical JSON value: object keys sorted at every depth, so both sides sign the same bytes. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort())
      out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

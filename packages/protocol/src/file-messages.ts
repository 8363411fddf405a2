import { type Static, Type } from '@sinclair/typebox';

/**
 * The most file data one frame carries. Base64 makes it about 171 KiB on the wire, well inside
 * the agent port's frame limit.
 */
export const FILE_CHUNK_BYTES = 128 * 1024;

const CommandId = Type.String({ minLength: 1, maxLength: 64 });
const Offset = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Data = Type.String({ maxLength: Math.ceil(FILE_CHUNK_BYTES / 3) * 4, pattern: '^[A-Za-z0-9+/=]*$' });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** put-file: the agent asks for the next piece of the file (after taking it from its throttle). */
export const FileReadSchema = Type.Object(
  {
    t: Type.Literal('file-read'),
    commandId: CommandId,
    offset: Offset,
    length: Type.Integer({ minimum: 1, maximum: FILE_CHUNK_BYTES }),
  },
  { additionalProperties: false },
);

/** get-file: the agent asks how much of its upload the server already holds (to resume). */
export const FileStatusSchema = Type.Object(
  { t: Type.Literal('file-status'), commandId: CommandId },
  { additionalProperties: false },
);

/** get-file: the next piece of the upload; `offset` must be what the server holds so far. */
export const FileWriteSchema = Type.Object(
  { t: Type.Literal('file-write'), commandId: CommandId, offset: Offset, data: Data },
  { additionalProperties: false },
);

/** get-file: the upload is complete; the server checks size and hash before keeping it. */
export const FileDoneSchema = Type.Object(
  { t: Type.Literal('file-done'), commandId: CommandId, size: Offset, sha256: Sha256 },
  { additionalProperties: false },
);

/** put-file: a piece of the file; `eof` when it reaches the end. */
export const FileDataSchema = Type.Object(
  { t: Type.Literal('file-data'), commandId: CommandId, offset: Offset, data: Data, eof: Type.Boolean() },
  { additionalProperties: false },
);

/** get-file: how many bytes the server holds durably; `fileId` once the upload is complete. */
export const FileAckSchema = Type.Object(
  {
    t: Type.Literal('file-ack'),
    commandId: CommandId,
    received: Offset,
    fileId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** Either transfer: the server refuses a request (wrong command, bad offset, hash mismatch). */
export const FileErrorSchema = Type.Object(
  {
    t: Type.Literal('file-error'),
    commandId: CommandId,
    message: Type.String({ maxLength: 1024 }),
    /** The server dropped what it held (a hash mismatch): the next attempt starts over. */
    reset: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** File transfer requests an agent sends. */
export const AgentFileMessages = {
  'file-read': FileReadSchema,
  'file-status': FileStatusSchema,
  'file-write': FileWriteSchema,
  'file-done': FileDoneSchema,
} as const;

/** File transfer replies a server sends. */
export const ServerFileMessages = {
  'file-data': FileDataSchema,
  'file-ack': FileAckSchema,
  'file-error': FileErrorSchema,
} as const;

/** A file transfer reply, as the agent receives it. */
export type FileReply =
  | Static<typeof FileDataSchema>
  | Static<typeof FileAckSchema>
  | Static<typeof FileErrorSchema>;

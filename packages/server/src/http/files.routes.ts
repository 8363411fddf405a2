import { Readable } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type { FileService } from '../files/file.service';
import type { FileRecord } from '../files/file-record';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from './error-schema';
import { component } from './openapi-components';
import { scopeOf } from './route-permission';
import { StringEnum } from './schemas';
import type { TypedApp } from './typed-app';

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** Raw bytes in the document; the handler answers a stream, which is sent as it is (never serialized). */
const Binary = Type.Unsafe<Readable>({ type: 'string', format: 'binary' });

/** A file of the file store as the API shows it. */
export const StoredFileSchema = component(
  'StoredFile',
  Type.Object({
    id: Type.String(),
    name: Type.String(),
    status: StringEnum(['receiving', 'complete'], {
      description: 'receiving: still arriving (a get-file in progress); complete: whole and verified',
    }),
    size: Type.Union([Type.Integer(), Type.Null()], { description: 'bytes, once complete' }),
    received: Type.Integer({ description: 'bytes held so far' }),
    sha256: Type.Union([Type.String(), Type.Null()], { description: 'hex SHA-256, once complete' }),
    machineId: Type.Union([Type.String(), Type.Null()], { description: 'the machine a get-file came from' }),
    commandId: Type.Union([Type.String(), Type.Null()], { description: 'the get-file command' }),
    group: Type.Union([Type.String(), Type.Null()], { description: 'the machine group it belongs to' }),
    createdAt: Type.String({ format: 'date-time' }),
    completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
);

/**
 * The upload's raw body, for the document only: the route takes it as a stream (see the
 * content type parser), which a body schema would validate as if it were parsed.
 */
const uploadBodyInDocument = ({ schema, url }: { schema: FastifySchema; url: string }) => ({
  schema: {
    ...schema,
    body: { content: { 'application/octet-stream': { schema: Binary } } },
  } as FastifySchema,
  url,
});

/** A file as the API shows it. */
function fileView(f: FileRecord): Static<typeof StoredFileSchema> {
  return {
    id: f.id,
    name: f.name,
    status: f.status,
    size: f.size,
    received: f.received,
    sha256: f.sha256,
    machineId: f.machineId,
    commandId: f.commandId,
    group: f.groupId,
    createdAt: new Date(f.createdAt).toISOString(),
    completedAt: f.completedAt === null ? null : new Date(f.completedAt).toISOString(),
  };
}

/**
 * The file store: uploads for put-file (the raw body, streamed into the store), the files
 * get-file fetched, and their content.
 */
export function fileRoutes(app: TypedApp, files: FileService): void {
  // The body reaches the handler as a stream; the service enforces the size limit as it stores.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
  app.post(
    '/files',
    {
      schema: {
        tags: ['files'],
        summary: 'Upload a file (raw body, Content-Type application/octet-stream) for put-file',
        description:
          'The file belongs to "group" (in your scope), or without it to the one organization or group your scope includes; only a caller who sees everything may leave it without a group.',
        querystring: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 255 }),
            group: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          },
          { additionalProperties: false },
        ),
        operationId: 'uploadFile',
        response: {
          201: StoredFileSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          415: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
      config: { permission: 'files.write', swaggerTransform: uploadBodyInDocument },
    },
    async (request, reply) => {
      const body = request.body as AsyncIterable<Uint8Array> | undefined;
      if (
        !body ||
        typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function'
      ) {
        return reply.status(415).send({
          error: {
            code: 'invalid-input',
            message: 'send the file as the raw body with Content-Type application/octet-stream',
          },
        });
      }
      const file = await files.upload(request.query.name, body, scopeOf(request), request.query.group);
      return reply.status(201).send(fileView(file));
    },
  );
  app.get(
    '/files',
    {
      schema: {
        tags: ['files'],
        summary: 'List stored files, newest first',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
          { additionalProperties: false },
        ),
        operationId: 'listFiles',
        response: {
          200: Type.Object({ items: Type.Array(StoredFileSchema) }),
          400: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
      config: { permission: 'files.read' },
    },
    async (request) => ({
      items: (await files.list(request.query.limit ?? 100, scopeOf(request))).map(fileView),
    }),
  );
  app.get(
    '/files/:id',
    {
      schema: {
        operationId: 'getFile',
        tags: ['files'],
        summary: 'Show one file',
        params: IdParams,
        response: { 200: StoredFileSchema, 400: ErrorResponse, 404: ErrorResponse, ...AUTH_ERRORS },
      },
      config: { permission: 'files.read' },
    },
    async (request) => fileView(await files.get(request.params.id, scopeOf(request))),
  );
  app.get(
    '/files/:id/content',
    {
      schema: {
        operationId: 'downloadFile',
        tags: ['files'],
        summary: 'Download a complete file',
        description:
          'The raw content, with content-length, a content-disposition naming the file and x-content-sha256 (hex). A file still being received answers 409 invalid-state.',
        params: IdParams,
        response: {
          200: { content: { 'application/octet-stream': { schema: Binary } } },
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
      config: { permission: 'files.read' },
    },
    async (request, reply) => {
      const file = await files.get(request.params.id, scopeOf(request));
      if (file.status !== 'complete') {
        return reply.status(409).send({
          error: {
            code: 'invalid-state',
            message: `file ${file.id} is still being received (${file.received} bytes so far)`,
          },
        });
      }
      return reply
        .type('application/octet-stream')
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`)
        .header('x-content-sha256', file.sha256 ?? '')
        .send(Readable.from(files.content(file)));
    },
  );
  app.delete(
    '/files/:id',
    {
      schema: {
        operationId: 'deleteFile',
        tags: ['files'],
        summary: 'Delete a file',
        params: IdParams,
        response: {
          204: Type.Null({ description: 'deleted' }),
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
      config: { permission: 'files.write' },
    },
    async (request, reply) => {
      await files.remove(request.params.id, scopeOf(request));
      return reply.status(204).send(null);
    },
  );
}

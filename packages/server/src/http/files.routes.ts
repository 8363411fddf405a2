import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FileService } from '../files/file.service';
import type { FileRecord } from '../files/file-record';
import { scopeOf } from './route-permission';
import type { TypedApp } from './typed-app';

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** A file as the API shows it. */
function fileView(f: FileRecord) {
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
      },
      config: { permission: 'files.write' },
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
      schema: { tags: ['files'], summary: 'Show one file', params: IdParams },
      config: { permission: 'files.read' },
    },
    async (request) => fileView(await files.get(request.params.id, scopeOf(request))),
  );
  app.get(
    '/files/:id/content',
    {
      schema: { tags: ['files'], summary: 'Download a complete file', params: IdParams },
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
      schema: { tags: ['files'], summary: 'Delete a file', params: IdParams },
      config: { permission: 'files.write' },
    },
    async (request, reply) => {
      await files.remove(request.params.id, scopeOf(request));
      return reply.status(204).send();
    },
  );
}

import { Readable } from 'node:stream';
import type {} from '@fastify/websocket';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ErrorCode, MusterError, notFound } from '../domain/errors';
import type { TerminalSessionRecord, TerminalSessionStore } from '../store/terminal-record';
import type { TerminalClient } from '../terminal/live-terminal';
import type { PreparedTerminal, TerminalService } from '../terminal/terminal.service';
import { AUTH_ERRORS, ErrorResponse } from './error-schema';
import { component } from './openapi-components';
import { scopeOf } from './route-permission';
import type { TypedApp } from './typed-app';

/** What the terminal routes need. */
export interface TerminalRoutesServices {
  service: TerminalService;
  sessions: TerminalSessionStore;
  /** Asks every node to end a live session (the one that holds it does). */
  endEverywhere: (sessionId: string, by: string) => Promise<void>;
  /** The asciicast v2 text of a session's recording, streamed. */
  recording: (sessionId: string) => AsyncIterable<Buffer>;
}

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false },
);

/** A terminal session as the API shows it. */
export const TerminalSessionSchema = component(
  'TerminalSession',
  Type.Object({
    id: Type.String(),
    machineId: Type.String(),
    user: Type.String({ description: 'who opened it' }),
    node: Type.String({ description: 'the node that served the person' }),
    agentNode: Type.Union([Type.String(), Type.Null()], { description: 'the node that held the agent' }),
    startedAt: Type.String({ format: 'date-time' }),
    endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'null while live',
    }),
    endReason: Type.Union([Type.String(), Type.Null()]),
    endedBy: Type.Union([Type.String(), Type.Null()]),
    live: Type.Boolean(),
    cols: Type.Integer(),
    rows: Type.Integer(),
    bytesIn: Type.Integer({ description: 'bytes typed' }),
    bytesOut: Type.Integer({ description: 'bytes the terminal printed' }),
    recordInput: Type.Boolean({ description: 'whether keystrokes are in the recording' }),
    recordingBytes: Type.Integer(),
  }),
);

function sessionView(s: TerminalSessionRecord): Static<typeof TerminalSessionSchema> {
  return {
    id: s.id,
    machineId: s.machineId,
    user: s.username,
    node: s.nodeId,
    agentNode: s.agentNodeId,
    startedAt: new Date(s.startedAt).toISOString(),
    endedAt: s.endedAt === null ? null : new Date(s.endedAt).toISOString(),
    endReason: s.endReason,
    endedBy: s.endedBy,
    live: s.endedAt === null,
    cols: s.cols,
    rows: s.rows,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    recordInput: s.recordInput,
    recordingBytes: s.recordingBytes,
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The terminal the upgrade request was allowed, decided before the upgrade. */
    terminal?: PreparedTerminal;
  }
}

/** Output a client socket may hold unsent before the agent is made to wait (its window does the rest). */
const CLIENT_HIGH_WATER = 4 * 1024 * 1024;

/** Drives a client WebSocket for the terminal service: output as binary frames, control as JSON. */
function socketClient(socket: WebSocket): TerminalClient {
  return {
    output: (data, sent) => {
      if (socket.readyState !== socket.OPEN) return sent();
      socket.send(data, { binary: true }, () => sent());
    },
    control: (message) => {
      if (socket.readyState === socket.OPEN && socket.bufferedAmount < CLIENT_HIGH_WATER)
        socket.send(JSON.stringify(message));
    },
    close: (code, reason) => {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
        socket.close(code, reason);
    },
  };
}

/**
 * A cookie-authenticated WebSocket must come from the console's own origin: a browser sends the
 * cookie with a cross-site WebSocket too, and an upgrade carries no CSRF header.
 */
function requireSameOrigin(request: FastifyRequest): void {
  if (request.sessionId === null) return;
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (!origin || !host)
    throw new MusterError(ErrorCode.forbidden, 'a terminal needs the console’s Origin header');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new MusterError(ErrorCode.forbidden, `the Origin ${origin} is not an address`);
  }
  if (originHost !== host)
    throw new MusterError(
      ErrorCode.forbidden,
      `a terminal opens only from this server's console, not from ${origin}`,
    );
}

/**
 * Remote terminals: the WebSocket a browser or `muster terminal` opens on a machine, the list of
 * live and recorded sessions, ending a live one, and a recording to replay.
 */
export function terminalRoutes(app: TypedApp, terminals: TerminalRoutesServices): void {
  app.get(
    '/machines/:id/terminal',
    {
      websocket: true,
      schema: {
        tags: ['terminal'],
        summary: 'Open a remote terminal on the machine (WebSocket)',
        description:
          'Upgrades to a WebSocket. Binary frames are terminal bytes both ways; text frames carry JSON: the client sends {"type":"resize","cols":N,"rows":N}; the server sends {"type":"session"}, {"type":"opened"}, {"type":"exit"}, {"type":"ended"} and {"type":"error"}. Every session is recorded. Refused before the upgrade when the machine is out of scope (404), its remote control is disabled, it is suspended or its agent is not connected (409).',
        params: IdParams,
        querystring: Type.Object(
          {
            cols: Type.Integer({ minimum: 1, maximum: 1000, default: 80 }),
            rows: Type.Integer({ minimum: 1, maximum: 1000, default: 24 }),
          },
          { additionalProperties: false },
        ),
        operationId: 'openTerminal',
        response: {
          101: Type.Null({ description: 'switching to the WebSocket' }),
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
      config: { permission: 'remote.terminal' },
      preHandler: async (request) => {
        requireSameOrigin(request);
        const actor = request.principal.actor;
        request.terminal = await terminals.service.prepare({
          machineId: request.params.id,
          scope: scopeOf(request),
          userId: actor.userId,
          username: actor.userName,
          actor,
          cols: request.query.cols,
          rows: request.query.rows,
        });
      },
    },
    (socket: WebSocket, request: FastifyRequest) => {
      const prepared = request.terminal as PreparedTerminal;
      let live: Awaited<ReturnType<TerminalService['start']>> | null = null;
      const early: Array<{ data: Buffer; isBinary: boolean }> = [];
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (!live) {
          early.push({ data, isBinary });
          return;
        }
        const terminal = live;
        if (isBinary) {
          // Read no more from this client until the agent has room for what it typed.
          socket.pause();
          void terminal.input(data).finally(() => socket.resume());
          return;
        }
        let message: { type?: unknown; cols?: unknown; rows?: unknown };
        try {
          message = JSON.parse(data.toString('utf8'));
        } catch {
          socket.send(JSON.stringify({ type: 'error', message: 'a text frame must be JSON' }));
          return;
        }
        if (message?.type === 'resize') terminal.resize(message.cols, message.rows);
        else
          socket.send(
            JSON.stringify({ type: 'error', message: `unknown message type ${String(message?.type)}` }),
          );
      };
      socket.on('message', onMessage);
      socket.on('close', () => live?.clientClosed());
      terminals.service.start(prepared, socketClient(socket)).then(
        (terminal) => {
          live = terminal;
          if (socket.readyState !== socket.OPEN) terminal.clientClosed();
          for (const m of early.splice(0)) onMessage(m.data, m.isBinary);
        },
        (error) => {
          request.log.warn({ err: error }, 'terminal could not start');
          socket.close(1011, 'the terminal could not start');
        },
      );
    },
  );

  app.get(
    '/terminal-sessions',
    {
      schema: {
        tags: ['terminal'],
        summary: 'List terminal sessions, live and recorded, newest first',
        querystring: Type.Object(
          {
            machineId: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
            live: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            after: Type.Optional(
              Type.String({ minLength: 1, maxLength: 400, description: 'the next of the page before' }),
            ),
          },
          { additionalProperties: false },
        ),
        operationId: 'listTerminalSessions',
        response: {
          200: Type.Object({
            items: Type.Array(TerminalSessionSchema),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
      config: { permission: 'remote.terminal' },
    },
    async (request) => {
      const q = request.query;
      const page = await terminals.sessions.list({
        scope: scopeOf(request),
        ...(q.machineId ? { machineId: q.machineId.toLowerCase() } : {}),
        ...(q.live === undefined ? {} : { live: q.live }),
        ...(q.after ? { after: decodeAfter(q.after) } : {}),
        limit: q.limit,
      });
      return {
        items: page.sessions.map(sessionView),
        next: page.next ? Buffer.from(JSON.stringify(page.next)).toString('base64url') : null,
      };
    },
  );

  app.delete(
    '/terminal-sessions/:id',
    {
      schema: {
        tags: ['terminal'],
        summary: 'End a live terminal session, wherever it runs',
        params: IdParams,
        operationId: 'endTerminalSession',
        response: {
          204: Type.Null(),
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
      config: { permission: 'remote.terminal' },
    },
    async (request, reply) => {
      const session = await terminals.sessions.get(request.params.id, scopeOf(request));
      if (!session) throw notFound(`no terminal session "${request.params.id}"`);
      if (session.endedAt !== null)
        throw new MusterError(ErrorCode.invalidState, 'that session has already ended');
      await terminals.endEverywhere(session.id, request.principal.actor.userName);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/terminal-sessions/:id/recording',
    {
      schema: {
        tags: ['terminal'],
        summary: "A session's recording (asciicast v2)",
        params: IdParams,
        operationId: 'getTerminalRecording',
        response: {
          200: Type.Unsafe({ type: 'string', description: 'asciicast v2 lines' }),
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
      config: { permission: 'remote.terminal' },
    },
    async (request, reply) => {
      const session = await terminals.sessions.get(request.params.id, scopeOf(request));
      if (!session) throw notFound(`no terminal session "${request.params.id}"`);
      return reply
        .header('content-type', 'application/x-asciicast')
        .header('content-disposition', `attachment; filename="${session.id}.cast"`)
        .send(Readable.from(terminals.recording(session.id)));
    },
  );
}

/** The keyset position a client passed back as `after`; a clear error when it is not one. */
function decodeAfter(after: string): { key: number; id: string } {
  try {
    const position = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Number.isFinite(position?.key) && typeof position?.id === 'string') return position;
  } catch {
    // fall through to the error
  }
  throw new MusterError(ErrorCode.invalidInput, 'after: pass the "next" of the page before, unchanged');
}

import { Type } from '@sinclair/typebox';
import type { CheckinHistoryService } from '../services/checkin-history.service';
import { AUTH_ERRORS, ErrorResponse } from './error-schema';
import { explainQueryErrors, ListAnswer } from './list-query';
import { component } from './openapi-components';
import { scopeOf } from './route-permission';
import { MachineIdParams } from './schemas';
import type { TypedApp } from './typed-app';

const Iso = Type.String({ format: 'date-time' });
const IsoOrNull = Type.Union([Iso, Type.Null()]);

/** One connection of a machine's agent, from connect to disconnect. */
export const MachineConnectionSchema = component(
  'MachineConnection',
  Type.Object({
    id: Type.String({ description: 'the connection (agent session) id' }),
    connectedAt: Iso,
    disconnectedAt: Type.Union([Iso, Type.Null()], { description: 'null while the connection lasts' }),
    durationSeconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'from connect to disconnect; null while the connection lasts',
    }),
    remoteAddress: Type.String({ description: 'where the connection came from' }),
    nodeId: Type.String({ description: 'the server node that held it' }),
    endReason: Type.Union([Type.String(), Type.Null()], {
      description:
        'how it ended: agent-closed, connection-lost, replaced, server-restart, machine-removed, protocol-error, node-lost (its server node was killed); null while it lasts',
    }),
    checkins: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description:
        'check-ins in this connection; counted in memory and written when it ends, so null while it lasts',
    }),
    lastCheckinAt: IsoOrNull,
  }),
);

/** A page of a machine's connections, newest first. */
export const MachineConnectionPageSchema = component(
  'MachineConnectionPage',
  ListAnswer(MachineConnectionSchema),
);

/** The query of the check-in history: a page size and where the page starts. */
export const CheckinHistoryQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'a page of at most this many (default 50)' }),
    ),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        description: "where the page starts: the answer's `next` of the page before (opaque)",
      }),
    ),
  },
  { additionalProperties: false },
);

const PARAMETERS = Object.keys(CheckinHistoryQuery.properties);

/** A machine's check-in history: its agent's connections, newest first. */
export function checkinHistoryRoutes(app: TypedApp, history: CheckinHistoryService): void {
  app.get(
    '/machines/:id/checkin-history',
    {
      schema: {
        operationId: 'listMachineCheckinHistory',
        tags: ['machines'],
        summary: "A machine's check-in history: its agent's connections, newest first, paged",
        description:
          'Each connection with when it began and ended, where from, the server node that held it, how it ended and its check-ins. ' +
          'The server keeps the newest checkinHistoryKeep connections per machine. ' +
          "Pass the answer's next as after for the following page (null after the last).",
        params: MachineIdParams,
        querystring: CheckinHistoryQuery,
        response: {
          200: MachineConnectionPageSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
        },
      },
      schemaErrorFormatter: (errors, dataVar) => explainQueryErrors(errors, dataVar, PARAMETERS),
      config: { permission: 'machines.view' },
    },
    (request) => history.list(request.params.id, request.query, scopeOf(request)),
  );
}

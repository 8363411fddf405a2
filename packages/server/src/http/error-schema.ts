import { Type } from '@sinclair/typebox';
import { component } from './openapi-components';

/** The body of every error answer: `{"error": {"code", "message", "details"?}}` (see error-handler.ts). */
export const ErrorResponse = component(
  'ErrorResponse',
  Type.Object({
    error: Type.Object({
      code: Type.String({
        description:
          'invalid-input, unauthorized, forbidden, not-found, conflict, invalid-state, too-many-requests, store-unavailable, …',
      }),
      message: Type.String({ description: 'what went wrong, fit to show an administrator' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  }),
);

/** The error answers every authenticated route may give, for its `response` schema. */
export const AUTH_ERRORS = { 401: ErrorResponse, 403: ErrorResponse } as const;

/**
 * The error answer of a route that writes: 503 store-unavailable once the SQLite file was
 * deleted or replaced under the running server (see sqlite-file-guard.ts).
 */
export const WRITE_ERRORS = { 503: ErrorResponse } as const;

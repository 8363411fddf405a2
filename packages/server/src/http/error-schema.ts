import { Type } from '@sinclair/typebox';

/** The body of every error answer: `{"error": {"code", "message", "details"?}}`. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'invalid-input, unauthorized, forbidden, not-found, conflict, …' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse' },
);

/** The error answers every authenticated route may give, for its `response` schema. */
export const AUTH_ERRORS = { 401: ErrorResponse, 403: ErrorResponse } as const;

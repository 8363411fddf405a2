import { Type } from '@sinclair/typebox';
import { ErrorCode, MusterError } from '../domain/errors';
import type { AccessRouteServices } from './access-route-services';
import { GrantSchema, SignInBody, UserSchema } from './access-schemas';
import { grantView, userView } from './access-views';
import { SESSION_COOKIE } from './authentication';
import { AUTH_ERRORS, ErrorResponse } from './error-schema';
import { component } from './openapi-components';
import type { TypedApp } from './typed-app';

const SignedInSchema = component(
  'SignedIn',
  Type.Object({
    user: UserSchema,
    csrfToken: Type.String({
      description: 'send it in the x-csrf-token header of every request that changes state',
    }),
    expiresAt: Type.String({ format: 'date-time', description: 'the session ends then at the latest' }),
  }),
);

const MeSchema = component(
  'Me',
  Type.Object({
    user: UserSchema,
    credential: Type.Object({ kind: Type.String(), id: Type.String() }),
    permissions: Type.Array(Type.String()),
    permissionsOnEverything: Type.Array(Type.String(), {
      description:
        'the permissions held on everything (the master scope): operations marked x-on-everything need them there',
    }),
    grants: Type.Array(GrantSchema),
  }),
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signing in and out of the console, and "who am I". A failed sign-in is answered slowly and
 * the same way whatever was wrong, and each attempt, good or bad, is written to the audit log.
 */
export function sessionRoutes(app: TypedApp, s: AccessRouteServices): void {
  app.post(
    '/session',
    {
      schema: {
        operationId: 'signIn',
        tags: ['access'],
        summary: 'Sign in: name, password and (when enrolled) a TOTP code; sets the session cookie',
        description:
          'The cookie is HttpOnly and SameSite=Strict (and Secure over TLS). Failed attempts are limited per user and per address (429 with Retry-After).',
        body: SignInBody,
        response: { 201: SignedInSchema, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
      config: { permission: 'public' },
    },
    async (request, reply) => {
      const { name, password, totpCode } = request.body;
      const verdict = s.throttle.check(name, request.ip);
      if (!verdict.allowed) {
        await s.audit.signIn({
          userName: name,
          userId: null,
          address: request.ip,
          sessionId: null,
          ok: false,
          reason: 'throttled',
        });
        reply.header('retry-after', String(Math.ceil(verdict.retryAfterMs / 1000)));
        throw new MusterError(ErrorCode.tooManyRequests, 'too many failed sign-ins; try again later');
      }
      let signedIn: Awaited<ReturnType<typeof s.login.login>>;
      try {
        signedIn = await s.login.login(name, password, totpCode);
      } catch (error) {
        const totpRequired = error instanceof MusterError && error.details?.totpRequired === true;
        if (!totpRequired) s.throttle.recordFailure(name, request.ip);
        await s.audit.signIn({
          userName: name,
          userId: null,
          address: request.ip,
          sessionId: null,
          ok: false,
          reason: totpRequired ? 'totp-required' : 'auth-failed',
        });
        await sleep(s.failureDelayMs);
        throw error;
      }
      s.throttle.recordSuccess(name);
      const session = await s.sessions.open(signedIn.userId, request.ip);
      await s.audit.signIn({
        userName: signedIn.userName,
        userId: signedIn.userId,
        address: request.ip,
        sessionId: session.id,
        ok: true,
      });
      reply.setCookie(SESSION_COOKIE, session.secret, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        expires: new Date(session.expiresAt),
      });
      return reply.status(201).send({
        user: userView(await s.users.get(signedIn.userId)),
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      });
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        operationId: 'signOut',
        tags: ['access'],
        summary: 'Sign out: ends this console session and clears its cookie',
        response: { 204: Type.Null(), ...AUTH_ERRORS },
      },
      config: { permission: 'authenticated' },
    },
    async (request, reply) => {
      if (request.sessionId) await s.sessions.revoke(request.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/me/sessions',
    {
      schema: {
        operationId: 'signOutEverywhere',
        tags: ['access'],
        summary: 'Sign out everywhere: ends every console session of the caller',
        response: { 200: Type.Object({ ended: Type.Integer() }), ...AUTH_ERRORS },
      },
      config: { permission: 'authenticated' },
    },
    async (request, reply) => {
      const ended = await s.sessions.revokeAllOf(request.principal.actor.userId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ended };
    },
  );

  app.get(
    '/me',
    {
      schema: {
        operationId: 'getMe',
        tags: ['access'],
        summary: 'Who am I: the caller, their permissions and their (role, scope) pairs',
        response: { 200: MeSchema, ...AUTH_ERRORS },
      },
      config: { permission: 'authenticated' },
    },
    async (request) => {
      const { actor } = request.principal;
      return {
        user: userView(await s.users.get(actor.userId)),
        credential: actor.credential,
        permissions: request.principal.permissions(),
        // The console shows whole-server actions (Change ID, audit verification, managing
        // people) only to those who may use them; the union above cannot tell it.
        permissionsOnEverything: request.principal
          .permissions()
          .filter((p) => request.principal.scopeFor(p)?.all === true),
        grants: (await s.users.grantsOf(actor.userId)).map(grantView),
      };
    },
  );

  app.put(
    '/me/password',
    {
      schema: {
        operationId: 'changeMyPassword',
        tags: ['access'],
        summary: 'Change my password (the current one is needed); my other sessions end',
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
            newPassword: Type.String({ maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 400: ErrorResponse, ...AUTH_ERRORS },
      },
      config: { permission: 'authenticated' },
    },
    async (request, reply) => {
      const { actor } = request.principal;
      if (!(await s.login.checkPassword(actor.userId, request.body.currentPassword))) {
        await new Promise((resolve) => setTimeout(resolve, s.failureDelayMs));
        throw new MusterError(
          ErrorCode.invalidInput,
          'the current password is not right; nothing was changed',
        );
      }
      await s.users.setPassword(actor.userId, request.body.newPassword, request.sessionId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/totp',
    {
      schema: {
        operationId: 'beginTotpEnrollment',
        tags: ['access'],
        summary: 'Start enrolling a TOTP app: a new secret and its otpauth:// URI (for a QR code)',
        description: 'Nothing is stored until POST /me/totp/confirm proves the app has the secret.',
        response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }), ...AUTH_ERRORS },
      },
      config: { permission: 'authenticated' },
    },
    async (request) => s.totp.newEnrollment(request.principal.actor.userName),
  );

  app.post(
    '/me/totp/confirm',
    {
      schema: {
        operationId: 'confirmTotpEnrollment',
        tags: ['access'],
        summary: 'Finish enrolling TOTP with the secret and a current code from the app',
        body: Type.Object(
          {
            secret: Type.String({ minLength: 16, maxLength: 128 }),
            code: Type.String({ pattern: '^[0-9]{6}$' }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), 400: ErrorResponse, ...AUTH_ERRORS },
      },
      config: { permission: 'authenticated' },
    },
    async (request, reply) => {
      await s.totp.confirmEnrollment(request.principal.actor.userId, request.body.secret, request.body.code);
      return reply.status(204).send(null);
    },
  );
}

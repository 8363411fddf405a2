import { type Static, Type } from '@sinclair/typebox';
import type { InstallTokenInfo, InstallTokenService } from '../services/install-token.service';
import { AUTH_ERRORS, ErrorResponse, WRITE_ERRORS } from './error-schema';
import { scopeOf } from './route-permission';
import { CreatedInstallTokenSchema, InstallTokenBody, InstallTokenSchema } from './schemas';
import type { TypedApp } from './typed-app';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** An install token as the API lists it: never the token itself, only its first characters. */
function tokenView(t: InstallTokenInfo): Static<typeof InstallTokenSchema> {
  return {
    id: t.id,
    prefix: t.tokenPrefix,
    group: t.groupId,
    machineName: t.machineName,
    state: t.state,
    uses: t.uses,
    maxUses: t.maxUses,
    temporary: t.temporary,
    createdAt: iso(t.createdAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}

/** Install tokens: what an agent enrolls with. */
export function installTokenRoutes(app: TypedApp, tokens: InstallTokenService): void {
  app.post(
    '/install-tokens',
    {
      schema: {
        tags: ['enrollment'],
        summary: 'Create an install token for a machine group',
        description:
          'The token is shown once. With machineName the account is created now (never checked in) and only one agent may hold it. ' +
          'Without expiresInSeconds the token expires after the server setting installTokenExpirySeconds (7 days by default); expiresInSeconds 0 or null makes a token that never expires.',
        operationId: 'createInstallToken',
        body: InstallTokenBody,
        response: {
          201: CreatedInstallTokenSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
      config: { permission: 'install-tokens.manage' },
    },
    async (request, reply) => {
      const created = await tokens.create(request.body, scopeOf(request));
      return reply.status(201).send({
        token: created.token,
        id: created.id,
        group: created.group,
        machineId: created.machineId,
        maxUses: created.maxUses,
        expiresAt: iso(created.expiresAt),
      });
    },
  );
  app.get(
    '/install-tokens',
    {
      schema: {
        tags: ['enrollment'],
        summary: 'List install tokens, newest first (never the token itself)',
        description:
          'state is active, revoked, expired or used-up; prefix is the start of the token (null for tokens made before prefixes were kept).',
        operationId: 'listInstallTokens',
        response: { 200: Type.Object({ items: Type.Array(InstallTokenSchema) }), ...AUTH_ERRORS },
      },
      config: { permission: 'install-tokens.manage' },
    },
    async (request) => ({ items: (await tokens.list(scopeOf(request))).map(tokenView) }),
  );
  app.delete(
    '/install-tokens/:id',
    {
      schema: {
        tags: ['enrollment'],
        summary: 'Revoke an install token: no agent enrolls with it any more',
        description: 'Agents already enrolled with it stay. Revoking again changes nothing.',
        operationId: 'revokeInstallToken',
        params: IdParams,
        response: {
          200: InstallTokenSchema,
          400: ErrorResponse,
          404: ErrorResponse,
          ...AUTH_ERRORS,
          ...WRITE_ERRORS,
        },
      },
      config: { permission: 'install-tokens.manage' },
    },
    async (request) => tokenView(await tokens.revoke(request.params.id, scopeOf(request))),
  );
}

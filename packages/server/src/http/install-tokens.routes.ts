import type { InstallTokenService } from '../services/install-token.service';
import { InstallTokenBody } from './schemas';
import type { TypedApp } from './typed-app';

/** Install tokens: what an agent enrolls with. */
export function installTokenRoutes(app: TypedApp, tokens: InstallTokenService): void {
  app.post(
    '/install-tokens',
    {
      schema: {
        tags: ['enrollment'],
        summary: 'Create an install token for a machine group',
        description:
          'The token is shown once. With machineName the account is created now (never checked in) and only one agent may hold it.',
        body: InstallTokenBody,
      },
    },
    async (request, reply) => {
      const created = await tokens.create(request.body);
      return reply.status(201).send({
        token: created.token,
        id: created.id,
        group: created.group,
        machineId: created.machineId,
        maxUses: created.maxUses,
        expiresAt: created.expiresAt === null ? null : new Date(created.expiresAt).toISOString(),
      });
    },
  );
}

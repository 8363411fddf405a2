import { Type } from '@sinclair/typebox';
import type { ServerIdentityService } from '../services/server-identity.service';
import { AUTH_ERRORS, WRITE_ERRORS } from './error-schema';
import { component } from './openapi-components';
import type { TypedApp } from './typed-app';

const ServerId = Type.String({ description: "fingerprint of the server's identity key" });

/** The server as GET /server shows it. */
export const ServerStatusSchema = component(
  'ServerStatus',
  Type.Object({
    serverId: ServerId,
    version: Type.String(),
    agentPorts: Type.Array(Type.Integer(), { description: 'the ports agents connect to' }),
    connectedAgents: Type.Union([Type.Integer(), Type.Null()], {
      description: 'agents connected to this node; null unless the caller sees every machine',
    }),
  }),
);

/** The answer of a Change ID. */
export const ServerIdChangeSchema = component(
  'ServerIdChange',
  Type.Object({ serverId: ServerId, previousServerId: ServerId }),
);

/** What the server routes need besides the identity. */
export interface ServerInfo {
  version: string;
  agentPorts: () => number[];
  connectedAgents: () => number;
  announceIdentityChange: () => Promise<void>;
}

/** The server's identity (Server ID) and Change ID. */
export function serverRoutes(
  app: TypedApp,
  identity: ServerIdentityService,
  info: ServerInfo,
  clock: () => number,
): void {
  app.get(
    '/server',
    {
      schema: {
        operationId: 'getServer',
        tags: ['server'],
        summary: 'Server ID and status',
        response: { 200: ServerStatusSchema, ...AUTH_ERRORS },
      },
      // Any signed-in caller: the Server ID and ports hold no data of any organization.
      config: { permission: 'authenticated' },
    },
    (request) => ({
      serverId: identity.identity.serverId,
      version: info.version,
      agentPorts: info.agentPorts(),
      // How many agents this node holds says something of every organization: only for a
      // caller who sees every machine (others get null, and their own count from /machines).
      connectedAgents: request.principal.scopeFor('machines.view')?.all ? info.connectedAgents() : null,
    }),
  );
  app.post(
    '/server/change-id',
    {
      // The Server ID is the whole server's: server.manage on part of the data does not reach it.
      config: { permission: 'server.manage', onEverything: true },
      schema: {
        tags: ['server'],
        summary: 'Rotate the server identity (Change ID)',
        description:
          'Agents bound to the old Server ID stop checking in, by design; unbound agents follow the new ID.',
        operationId: 'changeServerId',
        response: { 200: ServerIdChangeSchema, ...AUTH_ERRORS, ...WRITE_ERRORS },
      },
    },
    async () => {
      const previous = identity.identity.serverId;
      const next = await identity.rotate(clock());
      await info.announceIdentityChange();
      return { serverId: next.serverId, previousServerId: previous };
    },
  );
}

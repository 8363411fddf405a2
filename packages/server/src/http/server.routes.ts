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

/** A server node as GET /server/nodes shows it. */
export const ServerNodeSchema = component(
  'ServerNode',
  Type.Object({
    id: Type.String({ description: "the node's id, the same across its restarts" }),
    address: Type.String({ description: 'where other nodes reach it (host:port of its first agent port)' }),
    announcedAt: Type.String({ format: 'date-time', description: 'when it last started' }),
    lastSeenAt: Type.String({ format: 'date-time', description: 'its latest heartbeat' }),
    thisNode: Type.Boolean({ description: 'the node that answered' }),
  }),
);

/** A node as the directory keeps it. */
export interface ServerNodeInfo {
  nodeId: string;
  relayHost: string;
  relayPort: number;
  announcedAt: number;
  lastSeenAt: number;
}

/** What the server routes need besides the identity. */
export interface ServerInfo {
  version: string;
  agentPorts: () => number[];
  connectedAgents: () => number;
  announceIdentityChange: () => Promise<void>;
  /** This node's id. */
  nodeId: string;
  /** Every node of the server, as the node directory has them. */
  nodes: () => Promise<ServerNodeInfo[]>;
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
  app.get(
    '/server/nodes',
    {
      schema: {
        operationId: 'listServerNodes',
        tags: ['server'],
        summary: 'The server nodes on this store, newest heartbeat first',
        response: { 200: Type.Object({ items: Type.Array(ServerNodeSchema) }), ...AUTH_ERRORS },
      },
      // Nodes are the whole server's: only for a caller who manages all of it.
      config: { permission: 'server.manage', onEverything: true },
    },
    async () => ({
      items: (await info.nodes())
        .sort((x, y) => y.lastSeenAt - x.lastSeenAt)
        .map((n) => ({
          id: n.nodeId,
          address: `${n.relayHost.includes(':') ? `[${n.relayHost}]` : n.relayHost}:${n.relayPort}`,
          announcedAt: new Date(n.announcedAt).toISOString(),
          lastSeenAt: new Date(n.lastSeenAt).toISOString(),
          thisNode: n.nodeId === info.nodeId,
        })),
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

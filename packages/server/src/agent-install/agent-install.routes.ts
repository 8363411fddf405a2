import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { invalidInput, notFound } from '../domain/errors';
import type { AgentBuilds } from './agent-builds';
import { installScript } from './install-script';

/** What the install routes need of the server around them. */
export interface AgentInstallContext {
  builds: AgentBuilds;
  /** The Server ID, written into each script for the person installing to compare. */
  serverId: () => string;
  /** The agent port a new agent should try first. */
  agentPort: () => number;
}

/** An install token as the server makes them: `mit_` and 43 base64url characters. */
const INSTALL_TOKEN = /^mit_[A-Za-z0-9_-]{43}$/;

/**
 * The two addresses a machine being installed fetches without an account (outside /api/v1 and
 * out of the OpenAPI document: they are for curl, not for API clients):
 * - GET /downloads/:file, the agent executable (public: it is the open-source agent, and holds
 *   nothing of any organization);
 * - GET /install/:token, the install script of an install token. It is rendered for any token of
 *   the right form without looking it up: the script holds nothing but public facts and the token
 *   its caller already has, and the token is checked where it matters, at enrollment (which the
 *   script waits for). The request log shows the route, never the token.
 * Server and download addresses are the ones the caller used to reach this server, which is what
 * a machine on the same network uses too.
 */
export function agentInstallRoutes(app: FastifyInstance, context: AgentInstallContext): void {
  app.get<{ Params: { file: string } }>(
    '/downloads/:file',
    { config: { permission: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const build = context.builds.current();
      if (!build || build.file !== request.params.file) {
        throw notFound(
          build
            ? `no download "${request.params.file}" (this server has ${build.file})`
            : 'this server has no agent build: run `npm run build:agent` on it',
        );
      }
      reply.header('content-type', 'application/octet-stream');
      reply.header('content-length', String(build.size));
      reply.header('content-disposition', `attachment; filename="${build.file}"`);
      reply.header('x-checksum-sha256', build.sha256);
      return reply.send(createReadStream(context.builds.path(build)));
    },
  );

  app.get<{ Params: { token: string } }>(
    '/install/:token',
    { config: { permission: 'public', logRoute: true }, schema: { hide: true } },
    async (request, reply) => {
      if (!INSTALL_TOKEN.test(request.params.token))
        throw invalidInput('not an install token: create one with `muster install-token create`');
      const build = context.builds.current();
      if (!build) throw notFound('this server has no agent build: run `npm run build:agent` on it');
      const base = `${request.protocol}://${request.host}`;
      reply.header('content-type', 'text/x-shellscript; charset=utf-8');
      reply.header('cache-control', 'no-store');
      return installScript({
        build,
        downloadUrl: `${base}/downloads/${build.file}`,
        server: `${request.hostname}:${context.agentPort()}`,
        token: request.params.token,
        serverId: context.serverId(),
      });
    },
  );
}

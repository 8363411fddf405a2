import { join } from 'node:path';
import { freePort, TestServer as Server, type TestServer, tempDir } from '../../support/harness';

/** A real `muster server` process serving the built console, with helpers to make its people. */
export interface ConsoleServer {
  server: TestServer;
  baseUrl: string;
  agentPort: number;
  /** Creates a user with a password and (role, scope) grants, through the API as admin. */
  createUser(name: string, password: string, grants: Array<{ role: string; scope: string }>): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts a server on SQLite in a temporary directory; the console is the one `npm install` built.
 * `env` adds MUSTER_* settings (an agent build folder, a faster alert evaluation).
 */
export async function startConsoleServer(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ConsoleServer> {
  const dir = tempDir('muster-browser-');
  const agentPort = await freePort();
  const server = await Server.start({
    dataDir: join(dir.path, 'data'),
    agentPorts: [agentPort],
    extraArgs,
    env,
  });
  const baseUrl = `http://127.0.0.1:${server.options.httpPort}`;
  return {
    server,
    baseUrl,
    agentPort,
    async createUser(name, password, grants) {
      const answer = await server.api.post('/users', { name, password, grants });
      if (answer.status !== 201) throw new Error(`user ${name}: ${JSON.stringify(answer.body)}`);
      return (answer.body as { user: { id: string } }).user.id;
    },
    async close() {
      await server.stop();
      dir.cleanup();
    },
  };
}

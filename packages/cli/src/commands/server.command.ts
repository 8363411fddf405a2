import { join } from 'node:path';
import { keyFingerprint } from '@muster/protocol';
import {
  ConfigError,
  envName,
  loadServerConfig,
  openSqlStore,
  type ServerConfig,
  ServerConfigSchema,
  ServerStartError,
  startServer,
} from '@muster/server';
import { Command, Option } from 'commander';
import { type ApiGlobals, apiCommand } from './api-command';

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Repeatable flags take a singular name: --agent-port 5721 --agent-port 5821. */
const REPEATABLE: Partial<Record<keyof ServerConfig, { flag: string; integer: boolean }>> = {
  agentPorts: { flag: 'agent-port', integer: true },
  lanSubnets: { flag: 'lan-subnet', integer: false },
  tlsNames: { flag: 'tls-name', integer: false },
};

function addConfigOptions(command: Command): void {
  for (const [key, schema] of Object.entries(ServerConfigSchema.properties)) {
    const description = `${schema.description ?? ''} [env ${envName(key)}; default ${JSON.stringify(schema.default)}]`;
    const repeat = REPEATABLE[key as keyof ServerConfig];
    if (repeat) {
      command.addOption(
        new Option(`--${repeat.flag} <value>`, `${description} (repeatable)`).argParser(
          (value: string, previous: unknown[] | undefined) => [
            ...(previous ?? []),
            repeat.integer ? Number(value) : value,
          ],
        ),
      );
    } else if (schema.type === 'boolean') {
      command.addOption(new Option(`--${kebab(key)}`, description));
      command.addOption(new Option(`--no-${kebab(key)}`, `turn off ${kebab(key)}`));
    } else if (schema.type === 'integer' || schema.type === 'number') {
      command.addOption(new Option(`--${kebab(key)} <n>`, description).argParser(Number));
    } else {
      command.addOption(new Option(`--${kebab(key)} <value>`, description));
    }
  }
  command.option('--config <file>', 'JSON configuration file (flags and MUSTER_* environment override it)');
}

function flagsToConfig(opts: Record<string, unknown>): Partial<Record<keyof ServerConfig, unknown>> {
  const flags: Record<string, unknown> = {};
  for (const key of Object.keys(ServerConfigSchema.properties)) {
    const repeat = REPEATABLE[key as keyof ServerConfig];
    const optionKey = repeat ? repeat.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) : key;
    if (opts[optionKey] !== undefined) flags[key] = opts[optionKey];
  }
  return flags;
}

/** `muster server`: run the server, show its ID, change its ID. */
export function serverCommand(globals: ApiGlobals): Command {
  const command = new Command('server').description('Run the Muster server (HTTP API and agent gateway)');
  addConfigOptions(command);
  command.action(async (opts: Record<string, unknown>) => {
    let config: ServerConfig;
    try {
      config = loadServerConfig(flagsToConfig(opts), process.env, opts.config as string | undefined);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(2);
      }
      throw error;
    }
    const server = await startServer(config).catch((error: unknown) => {
      // A reason the administrator can fix (port in use, data directory held) needs no stack.
      if (!(error instanceof ServerStartError)) throw error;
      console.error(`muster server: ${error.message}`);
      process.exit(1);
    });
    const tokenNote = server.createdAdminToken ? 'created now' : 'created at first start';
    console.error(
      [
        `Muster server running`,
        `  Console:    ${server.httpUrl}/`,
        `  API:        ${server.httpUrl}/api/v1   (OpenAPI: ${server.httpUrl}/api/v1/openapi.json)`,
        `  Agent port: ${server.agentPorts.join(', ')}`,
        `  Devices:    ${server.deviceUrl}`,
        `  Server ID:  ${server.serverId}`,
        `  Admin token (${tokenNote}): ${server.adminTokenFile}`,
        ...(server.adminPasswordFile
          ? [`  Console sign-in (created now): name admin, password in ${server.adminPasswordFile}`]
          : []),
      ].join('\n'),
    );
    const shutdown = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown());
    process.once('SIGTERM', () => void shutdown());
  });

  command
    .command('id')
    .description(
      "Print the Server ID (fingerprint of the server's identity key) from the store; takes the server's options",
    )
    .action(async () => {
      // The store options (--data-dir, --database-url, --config, MUSTER_*) are the server's own.
      const parent = command.opts() as Record<string, unknown>;
      const config = loadServerConfig(
        flagsToConfig(parent),
        process.env,
        parent.config as string | undefined,
      );
      const store = await openSqlStore(
        config.databaseUrl
          ? { postgresUrl: config.databaseUrl }
          : { sqliteFile: join(config.dataDir, 'muster.db') },
      );
      try {
        const identity = await store.identity.loadIdentity();
        if (!identity) {
          console.error(
            `no server identity in ${config.databaseUrl ? 'the database' : config.dataDir} yet: start the server once to create it`,
          );
          process.exitCode = 1;
          return;
        }
        console.log(keyFingerprint(Buffer.from(identity.publicKeyDer, 'base64')));
      } finally {
        await store.close();
      }
    });

  command.addCommand(
    apiCommand(
      'change-id',
      'Rotate the server identity: agents bound to the old Server ID stop checking in',
      globals,
    ).action(async function (this: Command) {
      const client = globals.client(this);
      const result = await client.request<{ serverId: string; previousServerId: string }>(
        'POST',
        '/server/change-id',
      );
      console.log(`Server ID changed from ${result.previousServerId} to ${result.serverId}`);
    }),
  );
  return command;
}

import { Command } from 'commander';
import { ApiError } from './api-client';
import { commandsFor } from './command-catalog';
import { apiGlobals } from './commands/api-command';

const globals = apiGlobals();
const program = new Command('muster')
  .description('Muster: self-hosted remote monitoring and management')
  .version('0.1.0')
  .option(
    '--api <url>',
    'API address for admin commands',
    process.env.MUSTER_API_URL ?? 'http://127.0.0.1:8080',
  )
  .option('--api-token <token>', 'API token (or MUSTER_TOKEN)', process.env.MUSTER_TOKEN)
  .option(
    '--token-file <file>',
    'file holding the API token (or MUSTER_TOKEN_FILE); without one, the token of muster login is used, then <data dir>/admin-token',
    // An empty variable counts as unset, as it does for MUSTER_TOKEN.
    process.env.MUSTER_TOKEN_FILE || `${process.env.MUSTER_DATA_DIR || './muster-data'}/admin-token`,
  )
  .showHelpAfterError();

// Only the subcommand being run is loaded (see command-catalog.ts); the others are listed for help.
for (const command of await commandsFor(process.argv.slice(2), globals)) program.addCommand(command);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ApiError)
    console.error(`muster: ${error.message} (${error.code}, HTTP ${error.status})`);
  else console.error(`muster: ${(error as Error).message}`);
  process.exit(1);
}

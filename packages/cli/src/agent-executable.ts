// The entry of the self-contained agent executable (`npm run build:agent`): the `muster agent`
// command alone, bundled with everything it needs into one script that Node's single executable
// application support embeds in a copy of node. Nothing else of the CLI (the server, the API
// commands) is in it, which keeps the executable's memory that of an agent.
import { agentCommand } from './commands/agent.command';

// In a single executable application node repeats the executable's path as argv[1], where a
// script path would be; a restart relaunches with the options only. `install` copies this file.
agentCommand({ relaunchArgs: () => process.argv.slice(2), executable: process.execPath })
  .name('muster-agent')
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    console.error(`muster-agent: ${(error as Error).message}`);
    process.exit(1);
  });

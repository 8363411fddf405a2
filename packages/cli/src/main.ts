import { Command } from 'commander';
import { ApiError } from './api-client';
import {
  checkinControlCommand,
  installTokenCommand,
  machinesCommand,
  notificationsCommand,
  policyCommand,
} from './commands/admin.commands';
import { agentCommand } from './commands/agent.command';
import { apiGlobals } from './commands/api-command';
import { auditCommand } from './commands/audit.commands';
import { commandsCommand } from './commands/commands.commands';
import { demoCommand } from './commands/demo.command';
import { deviceCommand } from './commands/device.command';
import { devicesCommand } from './commands/devices.commands';
import { filesCommand } from './commands/files.commands';
import { loginCommand, logoutCommand } from './commands/login.commands';
import { replicateCommand } from './commands/replicate.command';
import { localServerCommand, offsiteServerCommand } from './commands/replication.commands';
import { roleCommand, scopeCommand } from './commands/role-scope.commands';
import { serverCommand } from './commands/server.command';
import { tokenCommand } from './commands/token.commands';
import { userCommand } from './commands/user.commands';

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

program.addCommand(serverCommand(globals));
program.addCommand(agentCommand());
program.addCommand(machinesCommand(globals));
program.addCommand(checkinControlCommand(globals));
program.addCommand(policyCommand(globals));
program.addCommand(installTokenCommand(globals));
program.addCommand(notificationsCommand(globals));
program.addCommand(commandsCommand(globals));
program.addCommand(filesCommand(globals));
program.addCommand(devicesCommand(globals));
program.addCommand(offsiteServerCommand(globals));
program.addCommand(localServerCommand(globals));
program.addCommand(auditCommand(globals));
program.addCommand(replicateCommand());
program.addCommand(demoCommand());
program.addCommand(deviceCommand());
program.addCommand(loginCommand());
program.addCommand(logoutCommand());
program.addCommand(userCommand(globals));
program.addCommand(roleCommand(globals));
program.addCommand(scopeCommand(globals));
program.addCommand(tokenCommand(globals));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ApiError)
    console.error(`muster: ${error.message} (${error.code}, HTTP ${error.status})`);
  else console.error(`muster: ${(error as Error).message}`);
  process.exit(1);
}

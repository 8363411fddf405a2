import { Command } from 'commander';
import type { ApiGlobals } from './api-command';
import { openTerminalSocket, runTerminalSession, sizeOf, sizeSource } from './terminal-session';

const DESCRIPTION =
  'Open an interactive shell on a machine through the API (a remote terminal); every session is recorded';

const HELP = `
The shell runs on the machine as its agent's service user, wherever the agent is connected
(this node or another one). Needs the remote.terminal permission on the machine, its remote
control enabled, and the machine not suspended and online; otherwise the server's refusal is
printed and muster exits 1.

Every session is recorded (its output, and its keystrokes unless an administrator turned that
off), kept with its audit entry and replayable in the console; stderr says so when it starts.

On a terminal, keys go to the remote shell as they are typed (Ctrl-C included) and the remote
terminal follows this window's size. With input from a pipe, the piped text is typed; once it
ended and the remote terminal went quiet, Ctrl-D is typed too:
  echo 'uptime; exit' | muster terminal pc1.web.acme

Exit code: the remote shell's own (128 + N when signal N ended it); 1 when the session is
refused or ends otherwise (agent lost, idle, ended by an administrator), saying why.`;

/** `muster terminal MACHINE`: an interactive, recorded shell on a machine from the user's own terminal. */
export function terminalCommand(globals: ApiGlobals): Command {
  return new Command('terminal')
    .description(DESCRIPTION)
    .argument('<machine>', 'the machine ID, e.g. pc1.web.acme')
    .addHelpText('after', HELP)
    .action(async function (this: Command, machine: string) {
      const streams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
      const window = process.stdin.isTTY ? sizeSource(streams) : null;
      const code = await openTerminalSocket(
        globals.client(this),
        machine,
        window ? sizeOf(window) : null,
        (socket) => runTerminalSession(socket, streams),
      );
      // What the shell printed last reaches a pipe before the process ends.
      await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
      await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
      process.exit(code);
    });
}

// Where an installed agent lives and how systemd runs it: the same for the install script the
// server hands out and for `muster agent install`, so both install the same thing.

/** Where the installed agent lives, the same on every machine (and in the unit file). */
export const INSTALL_PATHS = {
  executable: '/opt/muster-agent/muster-agent',
  state: '/var/lib/muster-agent',
  config: '/etc/muster-agent/agent.env',
  unit: '/etc/systemd/system/muster-agent.service',
} as const;

/**
 * The exit status of an agent refused for good (bad install token, deleted machine account):
 * distinct from 1 (a crash) and 2 (bad options), so an install script, or a service manager's
 * RestartPreventExitStatus=, can tell that enrollment failed.
 */
export const AGENT_REFUSED_EXIT_STATUS = 3;

/**
 * Environment the installed agent runs with. One malloc arena: glibc otherwise gives each
 * thread that allocates (libuv's file-system pool, V8's helpers) an arena of its own, and a
 * replicating offsite held 3-4 MiB more at its peak that way, for no speed measured.
 */
export const AGENT_SERVICE_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

/**
 * The systemd unit of the installed agent. The install token is not on the command line, where
 * `ps` shows it to every user, but in a root-only environment file the script empties once the
 * agent is enrolled; a refused agent (exit status 3) is not restarted in a loop.
 */
export function agentUnit(): string {
  return `[Unit]
Description=Muster agent (remote monitoring and management)
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
EnvironmentFile=-${INSTALL_PATHS.config}
${Object.entries(AGENT_SERVICE_ENVIRONMENT)
  .map(([name, value]) => `Environment=${name}=${value}`)
  .join('\n')}
# An update that keeps failing to start is rolled back once its trial ran out (the agent
# rolls back by itself when it starts but cannot check in).
ExecStartPre=/bin/sh -c 't=${INSTALL_PATHS.state}/update-trial.deadline; if [ -f "$$t" ] && [ "$$(date +%%s)" -gt "$$(cat "$$t")" ]; then mv -f ${INSTALL_PATHS.executable}.previous ${INSTALL_PATHS.executable}; rm -f "$$t" ${INSTALL_PATHS.state}/update-trial.json; fi'
ExecStart=${INSTALL_PATHS.executable} --state ${INSTALL_PATHS.state}
Restart=always
RestartSec=5
RestartPreventExitStatus=${AGENT_REFUSED_EXIT_STATUS}
StateDirectory=muster-agent
StateDirectoryMode=0700
UMask=0077

[Install]
WantedBy=multi-user.target
`;
}

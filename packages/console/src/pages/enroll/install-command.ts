/**
 * A word in single quotes for a POSIX shell, whatever it holds: each `'` inside closes the
 * quotes, adds an escaped quote and opens them again, so the shell reads the word back whole.
 */
export function singleQuoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Where a token's install script is (GET /install/<token>), on the server as this browser
 * reaches it: a managed machine on the same network reaches it by the same address, and the
 * server writes that host name into the script as the agent's server.
 */
export function installScriptUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, '')}/install/${encodeURIComponent(token)}`;
}

/**
 * The one command that installs an agent, as `muster install-token create --script` prints it:
 * download the script into a file, then run it as root. Through a file rather than `curl | sh`,
 * so that a failed download fails the command instead of running half a script.
 */
export function installCommandLine(scriptUrl: string): string {
  return `curl -fsSL -o muster-install.sh ${singleQuoted(scriptUrl)} && sudo sh muster-install.sh`;
}

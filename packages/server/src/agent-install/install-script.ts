import { AGENT_REFUSED_EXIT_STATUS, agentUnit, INSTALL_PATHS } from '@muster/protocol';
import type { AgentBuild } from './agent-builds';

/** What an install script is made of: all of it public, but the install token. */
export interface InstallScriptInput {
  build: AgentBuild;
  /** Absolute address the executable is downloaded from. */
  downloadUrl: string;
  /** The agent's primary server, host:port. */
  server: string;
  token: string;
  /** The Server ID the agent should see; shown to the person installing, for comparison. */
  serverId: string;
}

/** Quotes a value for a POSIX shell: single quotes, with any single quote spelled out. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The install script of one install token, for linux machines with systemd: it downloads the
 * agent from this server and refuses it unless size and SHA-256 are the ones written here,
 * installs it under /opt/muster-agent, enrolls it (the script fails, with the agent's reason,
 * when the token is refused or no server answers), then writes and starts the service.
 * MUSTER_INSTALL_ROOT installs into a directory tree instead (for testing, or building an
 * image): everything goes below it and systemctl is left alone.
 */
export function installScript(input: InstallScriptInput): string {
  const { build } = input;
  return `#!/bin/sh
# Muster agent installer for ${build.platform}, agent ${build.version}.
# Server ID of the server that made it: ${input.serverId}
set -eu

URL=${shellQuote(input.downloadUrl)}
SHA256=${shellQuote(build.sha256)}
SIZE=${build.size}
SERVER=${shellQuote(input.server)}
TOKEN=${shellQuote(input.token)}
ROOT="\${MUSTER_INSTALL_ROOT:-}"

fail() { echo "muster install: $*" >&2; exit 1; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "this agent is built for ${build.platform}, not $(uname -s)-$(uname -m)"
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then fail "run me as root (sudo sh $0)"; fi

TMP="$(mktemp)"
trap 'rm -f "$TMP"' EXIT
echo "Downloading the agent from $URL"
if command -v curl >/dev/null 2>&1; then
  curl -fsSL --retry 3 -o "$TMP" "$URL" || fail "could not download $URL"
elif command -v wget >/dev/null 2>&1; then
  wget -q -O "$TMP" "$URL" || fail "could not download $URL"
else
  fail "neither curl nor wget is installed"
fi
[ "$(wc -c < "$TMP" | tr -d ' ')" = "$SIZE" ] || fail "the download is not $SIZE bytes long; nothing installed"
echo "$SHA256  $TMP" | sha256sum -c --status - || fail "the download's SHA-256 is not $SHA256; nothing installed"

install -d -m 0755 "$ROOT/opt/muster-agent" "$ROOT/etc/systemd/system"
install -d -m 0700 "$ROOT/etc/muster-agent" "$ROOT${INSTALL_PATHS.state}"
# Replaced in one step: a running agent keeps its old file until it restarts.
install -m 0755 "$TMP" "$ROOT${INSTALL_PATHS.executable}.new"
mv -f "$ROOT${INSTALL_PATHS.executable}.new" "$ROOT${INSTALL_PATHS.executable}"

# The token goes to the agent through a root-only file, never its command line.
umask 077
printf 'MUSTER_SERVER=%s\\nMUSTER_INSTALL_TOKEN=%s\\n' "$SERVER" "$TOKEN" > "$ROOT${INSTALL_PATHS.config}"
set -a; . "$ROOT${INSTALL_PATHS.config}"; set +a
echo "Enrolling with $SERVER"
status=0
"$ROOT${INSTALL_PATHS.executable}" --state "$ROOT${INSTALL_PATHS.state}" --enroll-only --log-level warn || status=$?
if [ "$status" -ne 0 ]; then
  [ "$status" -eq ${AGENT_REFUSED_EXIT_STATUS} ] && fail "the server refused this agent (see above); nothing started"
  fail "enrollment failed (exit status $status, see above); nothing started"
fi
# Enrolled: the state directory is enough from now on, and the token is not kept.
printf 'MUSTER_SERVER=%s\\n' "$SERVER" > "$ROOT${INSTALL_PATHS.config}"

cat > "$ROOT${INSTALL_PATHS.unit}" <<'UNIT'
${agentUnit()}UNIT
chmod 0644 "$ROOT${INSTALL_PATHS.unit}"

if [ -n "$ROOT" ]; then
  echo "Installed into $ROOT; not started (systemctl is left alone with MUSTER_INSTALL_ROOT)"
  exit 0
fi
systemctl daemon-reload
systemctl enable --now muster-agent.service
echo "The Muster agent is installed and running: systemctl status muster-agent"
`;
}

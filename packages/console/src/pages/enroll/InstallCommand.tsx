import { useRef } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { useLoad } from '../../components/paging';
import { checkInstallScript } from './enroll-api';
import { installCommandLine, installScriptUrl } from './install-command';
import { useCopy } from './use-copy';

/**
 * The one command to run on a managed machine (linux with systemd): it downloads the token's
 * install script from this server, which fetches the agent, checks its SHA-256, installs it as
 * a service and enrolls it. The script is asked for first, so a server without an agent build
 * shows why instead of a command that would fail on the machine.
 */
export function InstallCommand({ token, origin }: { token: string; origin: string }) {
  const url = installScriptUrl(origin, token);
  const check = useLoad(() => checkInstallScript(url), [url]);
  const text = useRef<HTMLTextAreaElement>(null);
  const { copy, note } = useCopy(text);
  const line = installCommandLine(url);

  if (check.loading && !check.data)
    return <p className="loading">Asking the server for the install script…</p>;
  if (check.error) return <ErrorNote error={check.error} />;
  if (check.data && !check.data.served) {
    return (
      <p className="notice enr-no-script" role="status">
        No install command: {check.data.reason}. Until the server has an agent build, run the agent by hand
        with the command below.
      </p>
    );
  }
  return (
    <div className="enr-install-command">
      <label className="enr-command-label">
        Install command (linux with systemd)
        <textarea
          ref={text}
          className="enr-command-line"
          readOnly
          value={line}
          rows={2}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
      </label>
      <div className="toolbar">
        <button type="button" onClick={() => void copy(line)}>
          Copy install command
        </button>
        <span role="status" className="muted">
          {note ?? ''}
        </span>
      </div>
      <p className="muted">
        Run it on the managed machine as a user who may use sudo. The script downloads the agent from this
        server and checks its SHA-256, installs it under /opt/muster-agent with a systemd service, enrolls it
        and starts it; it fails with the server's reason when the token is refused.
      </p>
    </div>
  );
}

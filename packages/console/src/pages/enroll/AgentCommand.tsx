import { useId, useRef, useState } from 'react';
import { agentCommandLine, DEFAULT_STATE_DIR, serverAddressProblem } from './agent-command';
import { useCopy } from './use-copy';

/**
 * The command that runs an agent by hand with a new token: the alternative to the install
 * script (another service manager, a machine without systemd, a server with no agent build).
 * The server address is proposed from how this browser reaches the server and the server's
 * agent port; the administrator corrects it when agents reach the server by another name.
 */
export function AgentCommand({ token, proposedServer }: { token: string; proposedServer: string }) {
  const [server, setServer] = useState(proposedServer);
  const [secondary, setSecondary] = useState('');
  const [stateDir, setStateDir] = useState(DEFAULT_STATE_DIR);
  const text = useRef<HTMLTextAreaElement>(null);
  const { copy, note, reset } = useCopy(text);
  const problemId = useId();

  const problem =
    serverAddressProblem(server) ?? (secondary.trim() === '' ? null : serverAddressProblem(secondary));
  const secondaryProblem =
    problem === null && secondary.trim() !== '' && secondary.trim() === server.trim()
      ? 'The secondary server must differ from the primary: the agent refuses the same one twice.'
      : null;
  const line = agentCommandLine({ server, secondary, token, stateDir: stateDir || DEFAULT_STATE_DIR });

  return (
    <div className="enr-agent-command">
      <div className="toolbar">
        <label>
          Server address (agent port)
          <input
            value={server}
            onChange={(e) => {
              setServer(e.target.value);
              reset();
            }}
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? problemId : undefined}
          />
        </label>
        <label>
          Secondary server (optional)
          <input
            value={secondary}
            onChange={(e) => {
              setSecondary(e.target.value);
              reset();
            }}
            spellCheck={false}
            autoCapitalize="off"
            placeholder="backup.example.com:5721"
          />
        </label>
        <label>
          State directory
          <input
            value={stateDir}
            onChange={(e) => {
              setStateDir(e.target.value);
              reset();
            }}
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
      </div>
      {problem || secondaryProblem ? (
        <p className="error" id={problemId} role="alert">
          {problem ?? secondaryProblem}
        </p>
      ) : null}
      <label className="enr-command-label">
        Agent command line
        <textarea
          ref={text}
          className="enr-command-line"
          readOnly
          value={line}
          rows={3}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
      </label>
      <div className="toolbar">
        <button type="button" onClick={() => void copy(line)}>
          Copy command
        </button>
        <span role="status" className="muted">
          {note ?? ''}
        </span>
      </div>
      <p className="muted">
        Run it on the managed machine. The agent makes its key in the state directory and enrolls; after that{' '}
        <code>muster agent --state {stateDir || DEFAULT_STATE_DIR}</code> is enough.
      </p>
    </div>
  );
}

import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { queueCommand } from './machine-api';

/** The largest script the agent takes (64 KiB, README "Agent command types"). */
const MAX_SCRIPT_BYTES = 64 * 1024;

/** The params of a shell command from the form's fields; an Error names a bad field. */
export function shellParams(script: string, interpreter: string, timeout: string): Record<string, unknown> {
  if (script.trim() === '') throw new Error('Write a script to run');
  if (new TextEncoder().encode(script).length > MAX_SCRIPT_BYTES)
    throw new Error(`A script has at most ${MAX_SCRIPT_BYTES / 1024} KiB`);
  const params: Record<string, unknown> = { script };
  if (interpreter.trim() !== '') params.interpreter = interpreter.trim();
  if (timeout.trim() !== '') {
    const seconds = Number(timeout.trim());
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86400)
      throw new Error('The timeout is a whole number of seconds from 1 to 86400');
    params.timeoutSeconds = seconds;
  }
  return params;
}

/**
 * Runs a script on the machine: a `shell` command (needs commands.run and commands.run-shell).
 * The new command is selected below, so its status and output appear as they come.
 */
export function RunScriptForm({ machineId, onQueued }: { machineId: string; onQueued(id: string): void }) {
  const [script, setScript] = useState('');
  const [interpreter, setInterpreter] = useState('');
  const [timeout, setTimeoutSeconds] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSending(true);
    try {
      onQueued(await queueCommand(machineId, 'shell', shellParams(script, interpreter, timeout)));
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="run-script-heading">
      <h2 id="run-script-heading">Run a script</h2>
      <form onSubmit={submit} className="run-script">
        <label>
          Script
          <textarea
            value={script}
            onChange={(e) => setScript(e.target.value)}
            rows={4}
            spellCheck={false}
            className="script"
          />
        </label>
        <div className="toolbar">
          <label>
            Interpreter
            <input
              value={interpreter}
              onChange={(e) => setInterpreter(e.target.value)}
              placeholder="/bin/sh"
            />
          </label>
          <label>
            Timeout (seconds)
            <input
              value={timeout}
              onChange={(e) => setTimeoutSeconds(e.target.value)}
              inputMode="numeric"
              placeholder="300"
            />
          </label>
          <button type="submit" disabled={sending}>
            Run script
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}

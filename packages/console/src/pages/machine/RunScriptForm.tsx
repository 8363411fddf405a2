import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { queueCommand } from './machine-api';
import { shellParams } from './machine-forms';

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

import { Time } from '../../components/Time';
import { CommandStatusBadge } from './CommandStatusBadge';
import { type CommandItem, commandSummary, fetchedFileOf } from './machine-api';

/**
 * One command: its status changes with their times, and its result. Output and error are
 * what the machine sent, so they are shown as text in <pre> (React escapes them), never as
 * HTML. It follows the command live: the list it comes from is kept current by events.
 */
export function CommandDetail({ command, canReadFiles }: { command: CommandItem; canReadFiles: boolean }) {
  const result = command.result;
  const fetched = canReadFiles ? fetchedFileOf(command) : null;
  const summary = commandSummary(command);
  return (
    <section className="panel command-detail" aria-labelledby="command-detail-heading" aria-live="polite">
      <h3 id="command-detail-heading">
        {command.type}
        {summary ? `: ${summary}` : ''} <CommandStatusBadge status={command.status} />
      </h3>
      <dl className="facts">
        <div>
          <dt>Command id</dt>
          <dd>{command.id}</dd>
        </div>
        <div>
          <dt>Queued by</dt>
          <dd>{command.createdBy ?? 'the server'}</dd>
        </div>
        <div>
          <dt>Queued</dt>
          <dd>
            <Time iso={command.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>
            <Time iso={command.finishedAt} />
          </dd>
        </div>
        <div>
          <dt>Deliveries</dt>
          <dd>
            {command.attempts} of at most {command.maxAttempts}
          </dd>
        </div>
        {command.expiresAt && command.status === 'pending' ? (
          <div>
            <dt>Expires if not delivered by</dt>
            <dd>
              <Time iso={command.expiresAt} />
            </dd>
          </div>
        ) : null}
        {result && result.exitCode !== null ? (
          <div>
            <dt>Exit code</dt>
            <dd>{result.exitCode}</dd>
          </div>
        ) : null}
      </dl>
      {command.type === 'shell' && typeof command.params.script === 'string' ? (
        <details>
          <summary>Script</summary>
          <pre className="output">{command.params.script}</pre>
        </details>
      ) : null}
      {command.transitions && command.transitions.length > 0 ? (
        <ol className="transitions" aria-label="Status changes">
          {command.transitions.map((t, i) => (
            // A command passes a status more than once (returned to the queue); the order is the key.
            // biome-ignore lint/suspicious/noArrayIndexKey: transitions only ever grow at the end.
            <li key={i}>
              <Time iso={t.at} /> <CommandStatusBadge status={t.status} />
              {t.detail ? <span className="muted"> {t.detail}</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
      <h4>Output</h4>
      {result?.output ? (
        <pre className="output command-output">{result.output}</pre>
      ) : (
        <p className="muted">{result ? 'No output.' : 'No result yet.'}</p>
      )}
      {result?.error ? (
        <>
          <h4>Error</h4>
          <pre className="output command-error">{result.error}</pre>
        </>
      ) : null}
      {fetched ? (
        <p>
          <a href={`/api/v1/files/${encodeURIComponent(fetched.fileId)}/content`} download>
            Download the fetched file
          </a>
          {fetched.size !== null ? <span className="muted"> ({fetched.size} bytes)</span> : null}
        </p>
      ) : null}
    </section>
  );
}

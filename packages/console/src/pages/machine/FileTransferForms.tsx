import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { type MachineDetail, queueCommand, uploadFile } from './machine-api';
import { destinationPath, isAbsolutePath } from './machine-forms';

/**
 * Gets a file from the machine (a get-file command: the agent sends it to the server's file
 * store, and the finished command links to it) or puts one there (the file is uploaded into
 * the machine's group, then a put-file command fetches it). Getting needs commands.run and
 * files.read; putting also files.write.
 */
export function FileTransferForms({
  machine,
  canWrite,
  onQueued,
}: {
  machine: MachineDetail;
  canWrite: boolean;
  onQueued(id: string): void;
}) {
  return (
    <section className="panel" aria-labelledby="files-heading">
      <h2 id="files-heading">Files</h2>
      <div className="file-forms">
        <GetFileForm machineId={machine.id} onQueued={onQueued} />
        {canWrite ? <PutFileForm machine={machine} onQueued={onQueued} /> : null}
      </div>
    </section>
  );
}

function GetFileForm({ machineId, onQueued }: { machineId: string; onQueued(id: string): void }) {
  const [path, setPath] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const wanted = path.trim();
    if (!isAbsolutePath(wanted)) {
      setError(new Error('Give the absolute path of the file on the machine'));
      return;
    }
    setSending(true);
    try {
      onQueued(await queueCommand(machineId, 'get-file', { path: wanted }));
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(false);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="get-file-heading">
      <h3 id="get-file-heading">Get a file from the machine</h3>
      <label>
        Path on the machine
        <input value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" />
      </label>
      <button type="submit" disabled={sending}>
        Get file
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function PutFileForm({ machine, onQueued }: { machine: MachineDetail; onQueued(id: string): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [path, setPath] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [step, setStep] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!file) {
      setError(new Error('Choose a file to put on the machine'));
      return;
    }
    const target = destinationPath(path, file.name);
    if (!isAbsolutePath(target)) {
      setError(new Error('Give an absolute destination path on the machine'));
      return;
    }
    try {
      setStep(`Uploading ${file.name}…`);
      const stored = await uploadFile(file, machine.group);
      setStep('Queuing…');
      onQueued(await queueCommand(machine.id, 'put-file', { fileId: stored.id, path: target, overwrite }));
    } catch (failure) {
      setError(failure);
    } finally {
      setStep(null);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="put-file-heading">
      <h3 id="put-file-heading">Put a file on the machine</h3>
      <label>
        File to send
        <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <label>
        Destination path (ending in / keeps the file's name)
        <input value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" />
      </label>
      <label className="inline">
        <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
        Overwrite an existing file
      </label>
      <button type="submit" disabled={step !== null}>
        Put file
      </button>
      {step ? (
        <p className="muted" role="status">
          {step}
        </p>
      ) : null}
      <ErrorNote error={error} />
    </form>
  );
}

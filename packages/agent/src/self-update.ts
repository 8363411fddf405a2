import { chmod, copyFile, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { UpdateAgentParams } from '@muster/protocol';
import type { FileChannel } from './file-channel';
import { putFile, syncDirectory, type TransferThrottle } from './file-transfer';

/**
 * An update on trial: the new executable is in place and must be welcomed by a server before
 * `deadline`, or the agent goes back to `previous`. Kept in the state directory, so whichever
 * process starts next (the new build, or the old one put back by the service manager) knows.
 */
export interface UpdateTrial {
  version: string;
  /** Where the executable that was replaced was kept. */
  previous: string;
  /** The executable's own path. */
  executable: string;
  /** Epoch milliseconds. */
  deadline: number;
}

const TRIAL_FILE = 'update-trial.json';
/**
 * The trial's deadline in epoch seconds, alone in a file: what the service unit's ExecStartPre
 * reads (a shell cannot read JSON) to put the previous executable back when the new one keeps
 * failing to start (see agentUnit).
 */
export const TRIAL_DEADLINE_FILE = 'update-trial.deadline';

/** The update on trial in a state directory, or null. */
export async function readTrial(stateDir: string): Promise<UpdateTrial | null> {
  try {
    return JSON.parse(await readFile(join(stateDir, TRIAL_FILE), 'utf8')) as UpdateTrial;
  } catch {
    return null;
  }
}

/** The new build was welcomed: the update stands (the previous executable stays for a manual rollback). */
export async function confirmTrial(stateDir: string): Promise<void> {
  await rm(join(stateDir, TRIAL_DEADLINE_FILE), { force: true });
  await rm(join(stateDir, TRIAL_FILE), { force: true });
  await syncDirectory(stateDir);
}

/** Puts the previous executable back and ends the trial; true when there was one to put back. */
export async function rollBack(stateDir: string): Promise<boolean> {
  const trial = await readTrial(stateDir);
  if (!trial) return false;
  await rename(trial.previous, trial.executable);
  await syncDirectory(dirname(trial.executable));
  await confirmTrial(stateDir);
  return true;
}

/**
 * update-agent: fetches the new build next to the running executable (resuming a broken
 * transfer, checked against the signed size and SHA-256), keeps the running one as
 * `<executable>.previous`, renames the new one into place and records the trial. The caller
 * then restarts the agent into it.
 */
export async function stageUpdate(
  channel: FileChannel,
  throttle: TransferThrottle,
  commandId: string,
  params: UpdateAgentParams,
  executable: string,
  stateDir: string,
): Promise<string> {
  const staged = `${executable}.new`;
  await putFile(channel, throttle, commandId, {
    fileId: 'agent-build',
    path: staged,
    overwrite: true,
    size: params.size,
    sha256: params.sha256,
  });
  await chmod(staged, 0o755);
  const previous = `${executable}.previous`;
  // A copy, not a rename: the executable's path never lacks a working file.
  await copyFile(executable, `${previous}.tmp`);
  await chmod(`${previous}.tmp`, 0o755);
  await rename(`${previous}.tmp`, previous);
  const trial: UpdateTrial = {
    version: params.version,
    previous,
    executable,
    deadline: Date.now() + params.trialSeconds * 1000,
  };
  await writeFile(join(stateDir, `${TRIAL_FILE}.tmp`), JSON.stringify(trial), { mode: 0o600 });
  await rename(join(stateDir, `${TRIAL_FILE}.tmp`), join(stateDir, TRIAL_FILE));
  await writeFile(join(stateDir, TRIAL_DEADLINE_FILE), `${Math.ceil(trial.deadline / 1000)}\n`, {
    mode: 0o600,
  });
  await syncDirectory(stateDir);
  await rename(staged, executable);
  await syncDirectory(dirname(executable));
  return `version ${params.version} staged (${params.size} bytes, sha256 ${params.sha256}); restarting into it, back to the previous one unless it checks in within ${params.trialSeconds} s`;
}

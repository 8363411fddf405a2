import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { platform } from 'node:os';
import { join } from 'node:path';
import type { ShellParams } from '@muster/protocol';

/** How a shell command ended. */
export interface ShellOutcome {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  error: string | null;
}

/** Output kept from a process (the protocol carries at most 128 KiB). */
export const MAX_OUTPUT_BYTES = 120 * 1024;

/**
 * Runs a script with its interpreter in its own process group, so that on timeout the whole
 * process tree is killed, not just the interpreter. The script goes to a file (any
 * interpreter can run a file; not all read scripts from standard input).
 */
export async function runShell(id: string, params: ShellParams, scratchDir: string): Promise<ShellOutcome> {
  mkdirSync(scratchDir, { recursive: true, mode: 0o700 });
  const scriptFile = join(scratchDir, `${id}.script`);
  writeFileSync(scriptFile, params.script, { mode: 0o700 });
  const interpreter = params.interpreter ?? (platform() === 'win32' ? 'powershell.exe' : '/bin/sh');
  const timeoutMs = (params.timeoutSeconds ?? 300) * 1000;
  try {
    return await new Promise<ShellOutcome>((resolve) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let timedOut = false;
      const child = spawn(interpreter, [scriptFile, ...(params.args ?? [])], {
        cwd: params.workingDirectory,
        detached: platform() !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (chunk: Buffer) => {
        if (kept >= MAX_OUTPUT_BYTES) return;
        const part = chunk.subarray(0, MAX_OUTPUT_BYTES - kept);
        chunks.push(part);
        kept += part.length;
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const timer = setTimeout(() => {
        timedOut = true;
        killTree(child.pid);
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        resolve({
          exitCode: null,
          output: '',
          timedOut: false,
          error: `cannot start ${interpreter}: ${error.message}`,
        });
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        // The interpreter may exit while children it started still run: end them too.
        if (timedOut || signal) killTree(child.pid);
        resolve({
          exitCode: code,
          output: Buffer.concat(chunks).toString('utf8'),
          timedOut,
          error: timedOut
            ? `timed out after ${timeoutMs / 1000}s; the process tree was killed`
            : signal
              ? `killed by ${signal}`
              : null,
        });
      });
    });
  } finally {
    rmSync(scriptFile, { force: true });
  }
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(platform() === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

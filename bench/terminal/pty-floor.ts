import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths';

/** The bare pseudo-terminal's speed for one `cat`: what no remote terminal can beat here. */
export interface PtyFloor {
  mibPerSecond: number;
  seconds: number;
  /** read() calls that returned output: a pseudo-terminal hands over at most 4 KiB at a time. */
  reads: number;
  /** CPU of the reading process (user + system, where the reads' kernel work is counted), seconds. */
  readerCpuSeconds: number;
}

/** The node-pty the agent loads, so the floor reads the terminal exactly as the agent does. */
function agentNodePty(): string {
  return createRequire(join(REPO_ROOT, 'packages', 'agent', 'package.json')).resolve('node-pty');
}

/*
 * The reader runs in a process of its own, as the agent does: node-pty spawns the shell on a
 * raw terminal (stty raw -echo, as the cat phase sets), and everything the master side reads
 * is counted, from the first byte to the last of the file.
 */
const READER = `
const pty = require(process.argv[1]);
const [file, expected] = [process.argv[2], Number(process.argv[3])];
const p = pty.spawn('/bin/sh', ['-c', 'stty raw -echo; sleep 0.2; cat "$0"; sleep 30', file], { cols: 120, rows: 40, encoding: null });
let bytes = 0, reads = 0, started = 0, last = 0, cpu0 = null, done = false;
const finish = () => {
  if (done) return;
  done = true;
  const c = process.cpuUsage(cpu0 ?? undefined);
  process.stdout.write(JSON.stringify({ bytes, reads, seconds: (last - started) / 1000, cpu: (c.user + c.system) / 1e6 }));
  process.exit(0);
};
p.onData((d) => {
  if (!started) { started = performance.now(); cpu0 = process.cpuUsage(); }
  bytes += d.length; reads++; last = performance.now();
  if (bytes >= expected) { p.kill(); finish(); }
});
// The shell waits after the cat: output still unread when a terminal's process exits is lost.
p.onExit(() => finish());
`;

/**
 * Times `cat` of `path` on a bare pseudo-terminal read by node-pty in its own process, with
 * nothing else in the way: the floor for a remote terminal's cat on this machine at this moment
 * (on a virtual machine, how fast a sleeping core wakes sets it as much as the CPU does).
 */
export function measurePtyFloor(path: string, expectedBytes: number): Promise<PtyFloor> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', READER, agentNodePty(), path, String(expectedBytes)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        const r = JSON.parse(out) as { bytes: number; reads: number; seconds: number; cpu: number };
        if (r.bytes < expectedBytes) throw new Error(`read ${r.bytes} of ${expectedBytes} bytes`);
        resolve({
          mibPerSecond: r.bytes / 1048576 / r.seconds,
          seconds: r.seconds,
          reads: r.reads,
          readerCpuSeconds: r.cpu,
        });
      } catch (error) {
        reject(new Error(`the PTY floor reader failed (exit ${code}): ${(error as Error).message} ${err}`));
      }
    });
  });
}

/** The mean of the floor measured before and after the cat through Muster, MiB/s. */
export function meanPtyFloor(floor: { before: PtyFloor; after: PtyFloor }): number {
  return (floor.before.mibPerSecond + floor.after.mibPerSecond) / 2;
}

import { closeSync, openSync, writeSync } from 'node:fs';
import { readCpuSeconds } from '../support/proc-stats';
import type { SimPool } from '../support/sim/sim-pool';
import { type LatenessWindow, probeLateness } from './crowd-lateness';
import { measurePtyFloor, type PtyFloor } from './pty-floor';
import type { TerminalSocket } from './terminal-socket';

/** One cat through the terminal. */
export interface CatRun {
  /** Output bytes the client received between the start and end markers. */
  receivedBytes: number;
  /** From the start marker to the end marker, seconds. */
  seconds: number;
  mibPerSecond: number;
}

/** `cat` of a large file through the terminal, several times, and the crowd's check-ins meanwhile. */
export interface CatResult {
  fileBytes: number;
  /** Every cat, in the order they ran. */
  runs: CatRun[];
  /** The fewest output bytes one cat received (the file's size when none lost any). */
  receivedBytes: number;
  /**
   * The output bytes the server stored for the session when it ended (bytesOut of
   * GET /terminal-sessions): every cat, prompts and markers included.
   */
  sessionBytesOut: number | null;
  /**
   * The size of the session's stored asciicast recording (recordingBytes): below the output
   * bytes when the recorder left events out because the store did not keep up.
   */
  recordingBytes: number | null;
  /** All the cats, seconds. */
  seconds: number;
  /** The median of the cats' MiB/s: the figure the target is judged on. */
  mibPerSecond: number;
  /** Average cores used from the first cat's start to the last one's end: the node of the agent and client, the other node, the agent, this process (the client). */
  cores: { server: number; otherServer: number; agent: number; client: number };
  /**
   * The same cat on a bare pseudo-terminal read by node-pty, just before the first cat through
   * Muster and just after the last, the crowd running: the floor of this machine at that moment.
   */
  ptyFloor: { before: PtyFloor; after: PtyFloor };
  /** Check-ins of the crowd without the cat (null without a crowd). */
  baseline: LatenessWindow | null;
  /** Check-ins of the crowd during the cats. */
  duringCat: LatenessWindow | null;
}

/** How long the cat may take before the run gives up on it (a stalled stream), seconds. */
const catLimitSeconds = 180;

/** Writes `bytes` of lowercase letters (no marker can appear in them), 1 MiB at a time. */
export function writeCatFile(path: string, bytes: number): void {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = 97 + ((i * 7919) % 26);
  const fd = openSync(path, 'w');
  try {
    for (let left = bytes; left > 0; left -= block.length)
      writeSync(fd, block, 0, Math.min(left, block.length));
  } finally {
    closeSync(fd);
  }
}

/** Processes whose CPU is read during the cat. */
export interface CatPids {
  server: number;
  otherServer: number;
  agent: number;
}

/**
 * Measures a baseline window of the crowd's check-ins, then prints the file with `cat` on a raw
 * terminal (no newline translation: the bytes received are the file's) while the crowd keeps
 * checking in, and reads how late its check-ins were during the cat.
 */
export async function runCatPhase(
  t: TerminalSocket,
  file: { path: string; bytes: number; runs: number },
  pids: CatPids,
  crowd: { pool: SimPool; lateMs: number; baselineSeconds: number } | null,
  say: (line: string) => void,
): Promise<CatResult> {
  let baseline: LatenessWindow | null = null;
  if (crowd) {
    say(`crowd: ${crowd.baselineSeconds} s of check-ins without the cat`);
    baseline = await probeLateness(crowd.pool, crowd.lateMs, crowd.baselineSeconds, () => true);
  }
  await t.runUntil('stty raw -echo; echo RE""ADY\r', 'READY');
  const floorBefore = await measurePtyFloor(file.path, file.bytes);
  say(`bare pseudo-terminal: ${floorBefore.mibPerSecond.toFixed(1)} MiB/s`);
  await new Promise((r) => setTimeout(r, 300));
  let catDone = false;
  const lateness = crowd ? probeLateness(crowd.pool, crowd.lateMs, 0, () => catDone) : null;
  const cpu = (pid: number) => readCpuSeconds(pid);
  const client0 = process.cpuUsage();
  const cpu0 = { server: cpu(pids.server), otherServer: cpu(pids.otherServer), agent: cpu(pids.agent) };
  const runs: CatRun[] = [];
  const wall0 = performance.now();
  for (let run = 1; run <= file.runs; run++) {
    say(`cat ${run} of ${file.runs}: ${(file.bytes / 1048576).toFixed(0)} MiB through the terminal`);
    runs.push(await catOnce(t, file.path, say));
    say(`cat ${run}: ${(runs.at(-1) as CatRun).mibPerSecond.toFixed(1)} MiB/s`);
  }
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  // Cores over the cats and the moments between them (a prompt, the next command).
  const wallSeconds = (performance.now() - wall0) / 1000;
  const cpu1 = { server: cpu(pids.server), otherServer: cpu(pids.otherServer), agent: cpu(pids.agent) };
  const client1 = process.cpuUsage(client0);
  catDone = true;
  const duringCat = lateness ? await lateness : null;
  const floorAfter = await measurePtyFloor(file.path, file.bytes);
  say(`bare pseudo-terminal: ${floorAfter.mibPerSecond.toFixed(1)} MiB/s`);
  const speeds = runs.map((r) => r.mibPerSecond).sort((a, b) => a - b);
  const middle = speeds.length / 2;
  return {
    fileBytes: file.bytes,
    runs,
    receivedBytes: Math.min(...runs.map((r) => r.receivedBytes)),
    sessionBytesOut: null,
    recordingBytes: null,
    seconds,
    mibPerSecond:
      speeds.length % 2 === 1
        ? (speeds[Math.floor(middle)] as number)
        : ((speeds[middle - 1] as number) + (speeds[middle] as number)) / 2,
    cores: {
      server: (cpu1.server - cpu0.server) / wallSeconds,
      otherServer: (cpu1.otherServer - cpu0.otherServer) / wallSeconds,
      agent: (cpu1.agent - cpu0.agent) / wallSeconds,
      client: (client1.user + client1.system) / 1e6 / wallSeconds,
    },
    ptyFloor: { before: floorBefore, after: floorAfter },
    baseline,
    duringCat,
  };
}

/** One cat of `path` through the terminal: the bytes between the markers, and how long they took. */
async function catOnce(t: TerminalSocket, path: string, say: (line: string) => void): Promise<CatRun> {
  await t.runUntil(`echo ST""ART; cat ${path}; echo EN""D\r`, 'START', 60_000);
  const started = performance.now();
  // Output bytes before the end marker; it may share a frame with the prompt after it.
  const received = await new Promise<number>((resolve, reject) => {
    let count = 0;
    let carry = Buffer.alloc(0);
    const ticker = setInterval(() => say(`cat: ${(count / 1048576).toFixed(1)} MiB received`), 5000);
    const timer = setTimeout(() => {
      clearInterval(ticker);
      reject(new Error(`cat not done after ${catLimitSeconds} s (${count} bytes)`));
    }, catLimitSeconds * 1000);
    const take = (data: Buffer) => {
      // The marker may straddle two messages: look at the last two bytes before with this
      // message's first two, then in the message itself (no copy of the whole message).
      const seam = carry.length > 0 ? Buffer.concat([carry, data.subarray(0, 2)]).indexOf('END') : -1;
      const inData = seam >= 0 ? -1 : data.indexOf('END');
      if (seam < 0 && inData < 0) {
        count += data.length;
        carry = Buffer.from((data.length >= 2 ? data : Buffer.concat([carry, data])).subarray(-2));
        return;
      }
      count += seam >= 0 ? seam - carry.length : inData;
      clearTimeout(timer);
      clearInterval(ticker);
      t.onOutput = () => undefined;
      resolve(count);
    };
    t.onOutput = take;
    for (const data of t.takeHeld()) take(data);
  });
  const seconds = (performance.now() - started) / 1000;
  // The newline after START is not the file's.
  const receivedBytes = received - 1;
  return { receivedBytes, seconds, mibPerSecond: receivedBytes / 1048576 / seconds };
}

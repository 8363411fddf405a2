import { type Summary, summarize } from '../support/stats';
import { sleep } from '../support/wait';
import type { TerminalSocket } from './terminal-socket';

/** Keystroke-to-echo round trips through one path. */
export interface EchoResult {
  /** 'same-node': the client talks to the node holding the agent; 'other-node': relayed. */
  path: 'same-node' | 'other-node';
  keystrokes: number;
  /** Keystrokes whose echo did not come back within 5 s. */
  failures: number;
  /** Round trips, ms. */
  ms: Summary;
}

/** Waits for the next output frame, or null after `timeoutMs`. */
function nextOutput(t: TerminalSocket, timeoutMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      t.onOutput = () => undefined;
      resolve(null);
    }, timeoutMs);
    t.onOutput = (data) => {
      clearTimeout(timer);
      t.onOutput = () => undefined;
      resolve(data);
    };
  });
}

/**
 * Times `count` keystrokes one after another: one byte sent, then the wait for it to come back.
 * The shell runs `cat` on a raw, non-echoing terminal, so each byte is read by cat at once and
 * written back unchanged: the round trip is client → node (→ relay node) → agent → pty → cat →
 * pty → agent → node(s) → client, with no line discipline holding the byte back.
 */
export async function runEchoPhase(
  t: TerminalSocket,
  path: EchoResult['path'],
  count: number,
): Promise<EchoResult> {
  await t.runUntil('stty raw -echo; echo RE""ADY; cat\r', 'READY');
  await sleep(300); // the newline after the marker, and anything else still on its way
  const times: number[] = [];
  let failures = 0;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < count; i++) {
    const key = letters[i % letters.length] as string;
    const answer = nextOutput(t, 5000);
    const started = performance.now();
    t.send(key);
    const data = await answer;
    const ms = performance.now() - started;
    if (data === null || !data.toString('latin1').includes(key)) failures++;
    else times.push(ms);
  }
  return { path, keystrokes: count, failures, ms: summarize(times) };
}

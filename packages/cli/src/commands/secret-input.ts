import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

/** Everything on standard input, without the final line break (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks for a line on the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo nothing of what is typed; the question itself is written before muting.
    process.stderr.write(question);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** A random password of 24 characters (about 140 bits), for when none is given. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The new password: from standard input with --password-stdin; asked twice on a terminal
 * (empty: generate one); generated when there is no terminal. `generated` says whether to print it.
 */
export async function obtainPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: await readStdin(), generated: false };
  if (process.stdin.isTTY) {
    const first = await promptHidden('New password (empty to generate one): ');
    if (first === '') return { password: generatePassword(), generated: true };
    const again = await promptHidden('Again: ');
    if (again !== first) throw new Error('the two passwords differ; nothing was changed');
    return { password: first, generated: false };
  }
  return { password: generatePassword(), generated: true };
}

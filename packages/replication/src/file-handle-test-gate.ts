import { type FileHandle, open } from 'node:fs/promises';

/** Controls over one FileHandle method of this process, held or failed (tests only). */
export interface FileHandleGate {
  /** Holds every later call until released (calls made while open go through at once). */
  hold(): void;
  /** Lets held call `index` (in the order they were made) go on to the real method. */
  release(index: number): void;
  /** Lets every held call go on, and stops holding. */
  open(): void;
  /** Fails the next call with `error` instead of making it. */
  failNext(error: Error): void;
  /** Calls waiting at the gate now. */
  readonly waiting: number;
  /** The most calls that were waiting at once. */
  readonly mostWaiting: number;
  /** Puts the real method back. */
  restore(): void;
}

/**
 * Wraps node's own FileHandle `method` (sync, writev, read, write) for every handle of this process: a
 * call can be held or failed, and once let through it is the real system call (tests only).
 */
export async function gateFileHandle(method: 'sync' | 'writev' | 'read' | 'write'): Promise<FileHandleGate> {
  const probe = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as Record<
    string,
    (this: FileHandle, ...args: unknown[]) => unknown
  >;
  await probe.close();
  const real = proto[method]!;
  let holding = false;
  let failure: Error | undefined;
  const held: { release: () => void; released: boolean }[] = [];
  let waiting = 0;
  let mostWaiting = 0;
  proto[method] = async function (this: FileHandle, ...args: unknown[]) {
    if (failure) {
      const error = failure;
      failure = undefined;
      throw error;
    }
    if (holding) {
      waiting += 1;
      mostWaiting = Math.max(mostWaiting, waiting);
      await new Promise<void>((release) => held.push({ release, released: false }));
      waiting -= 1;
    }
    return real.apply(this, args);
  };
  const release = (index: number): void => {
    const call = held[index];
    if (!call || call.released) return;
    call.released = true;
    call.release();
  };
  return {
    hold() {
      holding = true;
    },
    release,
    open() {
      holding = false;
      for (let i = 0; i < held.length; i++) release(i);
    },
    failNext(error) {
      failure = error;
    },
    get waiting() {
      return waiting;
    },
    get mostWaiting() {
      return mostWaiting;
    },
    restore() {
      holding = false;
      for (let i = 0; i < held.length; i++) release(i);
      proto[method] = real;
    },
  };
}

/** Waits until `ready()` holds, polling; fails the test after `ms` (tests only). */
export async function until(ready: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

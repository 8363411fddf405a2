/**
 * The steps of receiving a file by clone-and-patch, in order. Tests stop a process at each one
 * to show that the final name holds the old file or the new one, never a mix.
 */
export type PatchStep = 'cloned' | 'patched' | 'verifying' | 'before-fsync' | 'before-rename' | 'renamed';

type StepHook = (step: PatchStep, path: string) => void | Promise<void>;

let hook: StepHook | undefined;

/**
 * Installs (or with undefined removes) a function called at every PatchStep (tests only: it
 * may throw, kill the process, or change files to play a disk that misbehaves).
 */
export function setPatchStepHook(next: StepHook | undefined): void {
  hook = next;
}

/** Reports a step to the test hook, if any; costs one comparison otherwise. */
export async function patchStep(step: PatchStep, path: string): Promise<void> {
  if (hook) await hook(step, path);
}

import { useCallback, useState } from 'react';

/** A button's work in progress: busy while it runs, the server's refusal when it fails. */
export interface Action {
  busy: boolean;
  error: unknown;
  /** Runs the work once at a time; true when it succeeded, false when it failed (see `error`). */
  run(work: () => Promise<void>): Promise<boolean>;
  /** Forgets the last failure (the form was changed or closed). */
  clear(): void;
}

/** State for one form or button that calls the API and must show why it was refused. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}

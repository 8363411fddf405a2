import { type RefObject, useCallback, useState } from 'react';

/** Copying a command: the action, what it did (for a status line), and forgetting that. */
export interface CopyState {
  copy(text: string): Promise<void>;
  /** "Copied…" or "Selected…", null before a copy or after `reset`. */
  note: string | null;
  reset(): void;
}

/**
 * Copies to the clipboard; where there is none (a page over plain HTTP on another host, or
 * permission refused) the field's text is selected instead so the usual copy key takes it.
 */
export function useCopy(field: RefObject<HTMLTextAreaElement | null>): CopyState {
  const [note, setNote] = useState<string | null>(null);
  const copy = useCallback(
    async (text: string) => {
      try {
        if (!navigator.clipboard) throw new Error('no clipboard');
        await navigator.clipboard.writeText(text);
        setNote('Copied to the clipboard.');
      } catch {
        field.current?.focus();
        field.current?.select();
        setNote('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
      }
    },
    [field],
  );
  return { copy, note, reset: useCallback(() => setNote(null), []) };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { useLiveEvents } from '../../live/events';
import { type CommandItem, fetchCommand, fetchMachineCommands, mergeCommand } from './machine-api';

/** A machine's commands, kept current by the server's `command` events. */
export interface MachineCommands {
  /** Newest first; null until the first answer. */
  items: CommandItem[] | null;
  error: unknown;
  /** Reads one command again (it was queued or changed) and puts it in the list. */
  refresh(id: string): Promise<void>;
  /** Puts a command as the server answered it in the list. */
  put(command: CommandItem): void;
  /** Reads the whole list again. */
  reload(): void;
}

/**
 * Loads a machine's pending procedures and command history, then follows `command` events of
 * this machine: each event reads that command again (GET /commands/{id}), so a status change
 * brings its output and its transitions without a reload. The event itself carries no output.
 */
export function useMachineCommands(machineId: string): MachineCommands {
  const [items, setItems] = useState<CommandItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const machine = useRef(machineId);
  machine.current = machineId;

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks for the same list again.
  useEffect(() => {
    let current = true;
    fetchMachineCommands(machineId).then(
      (list) => {
        if (!current) return;
        // Commands that arrived by event while the list loaded are kept.
        setItems((shown) => (shown ? shown.reduce(mergeCommand, list) : list));
        setError(null);
      },
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [machineId, generation]);

  const put = useCallback((command: CommandItem) => {
    if (command.target !== machine.current) return;
    setItems((shown) => mergeCommand(shown ?? [], command));
  }, []);

  const refresh = useCallback(
    async (id: string) => {
      try {
        put(await fetchCommand(id));
      } catch (failure) {
        setError(failure);
      }
    },
    [put],
  );

  useLiveEvents('command', (event) => {
    if (event.targetKind === 'machine' && event.target === machine.current && typeof event.id === 'string')
      void refresh(event.id);
  });

  return { items, error, refresh, put, reload: useCallback(() => setGeneration((g) => g + 1), []) };
}

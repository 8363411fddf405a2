import { useCallback, useEffect, useRef, useState } from 'react';
import { type PagedList, usePagedList } from '../../components/paging';
import { useLiveEvents } from '../../live/events';
import {
  type CommandItem,
  type CommandListView,
  DEFAULT_COMMAND_VIEW,
  fetchCommand,
  fetchCommandPage,
  fetchPendingCommands,
  mergeCommand,
  withPending,
} from './machine-api';

/** Commands per page of the history. */
export const HISTORY_PAGE_SIZE = 25;

/** A machine's commands as the page shows them, kept current by the server's `command` events. */
export interface MachineCommands {
  /** What waits or runs now, oldest first (the order they run in); null until loaded. */
  pending: CommandItem[] | null;
  /** How many wait or run in all (the list shows at most 200). */
  pendingTotal: number;
  pendingError: unknown;
  /** Every command of the machine, a page at a time, sorted and searched on the server. */
  history: PagedList<CommandItem>;
  view: CommandListView;
  setView(view: CommandListView): void;
  /** The command shown whole (with its status changes), or null. */
  detail: CommandItem | null;
  detailError: unknown;
  /** Shows one command whole (a command just queued too), and follows it. */
  select(id: string): void;
  /** Reads one command again (it was queued or changed) and shows it wherever it is. */
  refresh(id: string): Promise<void>;
  /** Shows a command as the server answered it (a cancel's answer). */
  put(command: CommandItem): void;
  /** Reads the lists again. */
  reload(): void;
}

/**
 * Whether a command not on the page shown belongs at its top: only the first page of the
 * default order (newest first, no search or status) has a fixed place for a new command.
 */
function newGoesOnTop(view: CommandListView, index: number): boolean {
  return (
    index === 0 && view.sort === 'created' && view.descending && view.search === '' && view.status === ''
  );
}

/**
 * Loads a machine's pending procedures and a page of its command history, then follows the
 * `command` events of this machine: each event reads that command again (GET /commands/{id};
 * the event carries no output) and puts it in the pending list, on the history page shown and
 * in the detail, without a reload.
 */
export function useMachineCommands(machineId: string): MachineCommands {
  const [pending, setPending] = useState<CommandItem[] | null>(null);
  const [pendingTotal, setPendingTotal] = useState(0);
  const [pendingError, setPendingError] = useState<unknown>(null);
  const [view, setView] = useState<CommandListView>(DEFAULT_COMMAND_VIEW);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<CommandItem | null>(null);
  const [detailError, setDetailError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);

  const history = usePagedList(
    (after) => fetchCommandPage(machineId, view, after, HISTORY_PAGE_SIZE),
    [machineId, view.sort, view.descending, view.search, view.status, generation],
  );
  const latest = useRef({ view, index: history.index, selected });
  latest.current = { view, index: history.index, selected };

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation asks for the same list again.
  useEffect(() => {
    let current = true;
    fetchPendingCommands(machineId).then(
      (answer) => {
        if (!current) return;
        // Commands that changed by event while the list loaded keep their newer state.
        setPending((shown) => (shown ?? []).reduce(withPending, answer.items));
        setPendingTotal(answer.total);
        setPendingError(null);
      },
      (failure: unknown) => current && setPendingError(failure),
    );
    return () => {
      current = false;
    };
  }, [machineId, generation]);

  const { patch } = history;
  const put = useCallback(
    (command: CommandItem) => {
      if (command.target !== machineId) return;
      setPending((shown) => (shown === null ? shown : withPending(shown, command)));
      const { view: shownView, index } = latest.current;
      patch((items) =>
        items.some((c) => c.id === command.id) || newGoesOnTop(shownView, index)
          ? mergeCommand(items, command)
          : items,
      );
      setDetail((shown) =>
        shown?.id === command.id && shown.updatedAt <= command.updatedAt
          ? { ...command, transitions: command.transitions ?? shown.transitions }
          : shown,
      );
    },
    [machineId, patch],
  );

  const refresh = useCallback(
    async (id: string) => {
      try {
        put(await fetchCommand(id));
      } catch (failure) {
        if (latest.current.selected === id) setDetailError(failure);
        else setPendingError(failure);
      }
    },
    [put],
  );

  const select = useCallback(
    (id: string) => {
      setSelected(id);
      setDetailError(null);
      fetchCommand(id).then(
        (command) => {
          // A command just queued is put in the lists too, before its first event arrives.
          put(command);
          if (latest.current.selected !== id) return;
          setDetail((shown) => (shown?.id === id && shown.updatedAt > command.updatedAt ? shown : command));
        },
        (failure: unknown) => latest.current.selected === id && setDetailError(failure),
      );
    },
    [put],
  );

  useLiveEvents('command', (event) => {
    if (event.targetKind === 'machine' && event.target === machineId && typeof event.id === 'string')
      void refresh(event.id);
  });

  return {
    pending,
    pendingTotal,
    pendingError,
    history,
    view,
    setView,
    detail: detail?.id === selected ? detail : null,
    detailError,
    select,
    refresh,
    put,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
  };
}

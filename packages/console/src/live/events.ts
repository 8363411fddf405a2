import { useEffect, useRef } from 'react';

/** One event of the server's stream (GET /api/v1/events), by its `type`. */
export interface LiveEvent {
  type: string;
  [field: string]: unknown;
}

type Listener = (event: LiveEvent) => void;

const listeners = new Map<string, Set<Listener>>();
let source: EventSource | null = null;

/**
 * One EventSource for the whole console, opened with the first listener and closed with the
 * last. The stream carries only events of machines in the user's scopes (the server filters);
 * EventSource reconnects by itself after a network break.
 */
function subscribe(type: string, listener: Listener): () => void {
  let set = listeners.get(type);
  if (!set) {
    set = new Set();
    listeners.set(type, set);
    source?.addEventListener(type, dispatch);
  }
  set.add(listener);
  if (!source) {
    source = new EventSource('/api/v1/events');
    for (const t of listeners.keys()) source.addEventListener(t, dispatch);
  }
  return () => {
    set.delete(listener);
    if (set.size === 0) {
      listeners.delete(type);
      source?.removeEventListener(type, dispatch);
    }
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}

function dispatch(message: Event): void {
  const { type, data } = message as MessageEvent<string>;
  let event: LiveEvent;
  try {
    event = JSON.parse(data) as LiveEvent;
  } catch {
    return;
  }
  for (const listener of listeners.get(type) ?? []) listener(event);
}

/** Calls `handler` for every live event of one type while the component is shown. */
export function useLiveEvents(type: string, handler: Listener): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => subscribe(type, (event) => latest.current(event)), [type]);
}

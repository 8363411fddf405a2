/** Orchestrator to floor server. */
export type FloorParentMessage =
  | { type: 'count'; id: number }
  /** Send `frame` once to every open connection and time until each has answered once. */
  | { type: 'fanout'; id: number; frame: string };

/** Floor server to orchestrator. */
export type FloorChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'count'; id: number; received: number; connections: number }
  | { type: 'fanout-done'; id: number; sent: number; answered: number; ms: number };

/** Orchestrator to floor server. */
export type FloorParentMessage = { type: 'count'; id: number };

/** Floor server to orchestrator. */
export type FloorChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'count'; id: number; received: number; connections: number };

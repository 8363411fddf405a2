import type { NewTerminalSession } from '../store/terminal-record';

let sequence = 0;

/** A terminal session to record in tests: a fresh id each call, the rest fixed unless given. */
export function newTerminalSession(fields: Partial<NewTerminalSession> = {}): NewTerminalSession {
  sequence += 1;
  return {
    id: `session-${process.pid}-${sequence}`,
    machineId: 'pc1.web.acme',
    groupId: 'web.acme',
    userId: 'u-ann',
    username: 'ann',
    nodeId: 'node-a',
    agentNodeId: 'node-a',
    startedAt: Date.now(),
    cols: 80,
    rows: 24,
    recordInput: true,
    ...fields,
  };
}

import { type AgentConnection, type AgentKey, connectAgent } from '@muster/agent';
import type { AgentMessage } from '@muster/protocol';

/**
 * Connects to a test server's agent port as the agent holding `key`, with the agent's own
 * connection code: host name `name`, hardware id `hw-<name>`; enrolling with `enrollToken` when
 * given (a first connection), recognised by its key otherwise (a reconnection).
 */
export function connectTestAgent(
  port: number,
  key: AgentKey,
  who: { name: string; agentVersion: string; enrollToken?: string },
): Promise<AgentConnection> {
  return connectAgent({
    address: { host: '127.0.0.1', port },
    key,
    pinnedServerId: null,
    ...(who.enrollToken ? { enrollToken: who.enrollToken } : {}),
    hostName: who.name,
    hardwareId: `hw-${who.name}`,
    agentVersion: who.agentVersion,
    timeoutMs: 10_000,
  });
}

/** A check-in as the events tests send it: `loggedOnUser`, not idle, no addresses. */
export function testCheckin(loggedOnUser: string | null): AgentMessage['checkin'] {
  return { t: 'checkin', loggedOnUser, userIdleSeconds: 0, localAddresses: [], agentVersion: 'events-test' };
}

import { api, ok } from '../../api/client';
import type { components } from '../../api/schema';
import type { Page } from '../../components/paging';

/** A terminal session as the API shows it (live or recorded). */
export type TerminalSession = components['schemas']['TerminalSession'];

/** One page of sessions, newest first: `live` true for the live ones, false for those that ended. */
export async function fetchTerminalSessions(
  live: boolean,
  limit: number,
  after: string | null,
): Promise<Page<TerminalSession>> {
  const page = await ok(
    api.GET('/api/v1/terminal-sessions', {
      params: { query: after === null ? { live, limit } : { live, limit, after } },
    }),
  );
  return { items: page.items, next: page.next };
}

/** Ends a live session wherever it runs; the person at it sees that an administrator ended it. */
export async function endTerminalSession(id: string): Promise<void> {
  await ok(api.DELETE('/api/v1/terminal-sessions/{id}', { params: { path: { id } } }));
}

/** A session's recording, as asciicast v2 text. */
export async function fetchRecording(id: string): Promise<string> {
  const text = await ok(
    api.GET('/api/v1/terminal-sessions/{id}/recording', { params: { path: { id } }, parseAs: 'text' }),
  );
  return text as unknown as string;
}

/** Why a session ended, in words (the stored reason codes of the server). */
export function endReasonText(session: TerminalSession): string {
  const by = session.endedBy ? ` (${session.endedBy})` : '';
  switch (session.endReason) {
    case null:
      return '';
    case 'exit':
      return 'shell exited';
    case 'closed':
      return 'closed by the user';
    case 'ended-by-admin':
      return `ended by an administrator${by}`;
    case 'idle':
      return 'idle too long';
    case 'agent-lost':
      return 'agent connection lost';
    case 'refused':
      return 'refused by the agent';
    case 'node-restarted':
      return 'the server node restarted';
    case 'node-lost':
      return 'the server node stopped';
    default:
      return `${session.endReason}${by}`;
  }
}

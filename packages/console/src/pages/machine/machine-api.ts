import { api, ok } from '../../api/client';
import type { components } from '../../api/schema';

/*
 * What the Machine page reads and sends. GET /machines/{id} and the command routes have no
 * response schemas in the OpenAPI document yet, so their answers are written out here (from
 * packages/server/src/services/machine-view.ts and http/command-view.ts); when the document
 * has them, these become the generated types.
 */

/** A server address of check-in control. */
export interface ServerAddress {
  host: string;
  port: number;
}

/** A machine's check-in control settings (the manual's Check-In Control columns). */
export interface CheckinSettings {
  /** Null while the account waits for its first agent (an install token with a fixed name). */
  primary: ServerAddress | null;
  secondary: ServerAddress | null;
  periodSeconds: number;
  bindToServer: boolean;
  bandwidthKBps: number;
}

/** The summary of the machine's latest audit (inventory). */
export interface AuditSummary {
  hostName: string;
  os: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  hardwareId: string;
  auditedAt: string | null;
}

/** One machine as GET /api/v1/machines/{id} shows it. */
export interface MachineDetail {
  id: string;
  guid: string;
  name: string;
  group: string;
  organization: string;
  status: string;
  online: boolean;
  temporary: boolean;
  bound: boolean;
  suspended: boolean;
  remoteControlEnabled: boolean;
  lastCheckinAt: string | null;
  firstCheckinAt: string | null;
  checkinControl: CheckinSettings;
  /** Whether the agent has confirmed the stored check-in control settings. */
  settingsApplied: boolean;
  /** The settings the agent has not confirmed yet, by name (left out by a server that does not name them). */
  pendingSettings?: Array<keyof CheckinSettings>;
  /** What the agent last confirmed; null when it never confirmed any. */
  appliedCheckinControl?: CheckinSettings | null;
  loggedOnUser: string | null;
  userIdleSeconds: number;
  localAddresses: string[];
  connectedFrom: string | null;
  agentVersion: string | null;
  audit: AuditSummary | null;
}

/** The statuses a command can have (README, Command queue). */
export type CommandStatus =
  | 'pending'
  | 'processing'
  | 'complete'
  | 'failed'
  | 'expired'
  | 'canceled'
  | 'unknown';

/** Statuses after which nothing more happens to a command (but `unknown`, which a late result may replace). */
export const FINISHED: ReadonlySet<string> = new Set([
  'complete',
  'failed',
  'expired',
  'canceled',
  'unknown',
]);

/** A command as the API shows it; `transitions` only from GET /commands/{id}. */
export interface CommandItem {
  id: string;
  target: string;
  targetKind: string;
  type: string;
  params: Record<string, unknown>;
  status: CommandStatus;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
  finishedAt: string | null;
  /** The user who queued it; null for what the server queued itself (check-in control). */
  createdBy: string | null;
  result: { exitCode: number | null; output: string | null; error: string | null } | null;
  transitions?: Array<{ status: string; at: string; detail: string | null }>;
}

/**
 * Keeps `command` in `items`, unless what is there is newer: answers to requests made at
 * nearly the same time (an event's refresh, a cancel's answer) may arrive out of order, and
 * an older one must not put back a status the command has already left.
 */
export function mergeCommand(items: readonly CommandItem[], command: CommandItem): CommandItem[] {
  const at = items.findIndex((c) => c.id === command.id);
  if (at < 0) return [command, ...items];
  const current = items[at] as CommandItem;
  if (current.updatedAt > command.updatedAt) return [...items];
  const merged = { ...command, transitions: command.transitions ?? current.transitions };
  return items.map((c, i) => (i === at ? merged : c));
}

/** The pending list with one command changed: kept while it waits or runs, dropped once finished. */
export function withPending(list: readonly CommandItem[], command: CommandItem): CommandItem[] {
  if (FINISHED.has(command.status)) return list.filter((c) => c.id !== command.id);
  const merged = mergeCommand(list, command);
  return merged.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** One machine; an ApiError 404 when it does not exist or is outside the user's scopes. */
export async function fetchMachine(id: string): Promise<MachineDetail> {
  const data = await ok(api.GET('/api/v1/machines/{id}', { params: { path: { id } } }));
  return data as unknown as MachineDetail;
}

/** One stored connection of the machine's agent (the generated type of the API). */
export type MachineConnection = components['schemas']['MachineConnection'];
/** A page of the machine's check-in history, newest first. */
export type ConnectionPage = components['schemas']['MachineConnectionPage'];

/** A page of the machine's check-in history: `after` is the `next` of the page before. */
export async function fetchCheckinHistory(
  id: string,
  limit: number,
  after: string | null,
): Promise<ConnectionPage> {
  return ok(
    api.GET('/api/v1/machines/{id}/checkin-history', {
      params: { path: { id }, query: after === null ? { limit } : { limit, after } },
    }),
  );
}

/** The machine's pending procedures and recent commands, newest first. */
export async function fetchMachineCommands(id: string): Promise<CommandItem[]> {
  const data = await ok(api.GET('/api/v1/machines/{id}/commands', { params: { path: { id } } }));
  return (data as unknown as { items: CommandItem[] }).items;
}

/** How the command history is listed: the server sorts, searches and filters it. */
export interface CommandListView {
  sort: 'created' | 'status' | 'type';
  descending: boolean;
  /** Text the command's type contains; empty: any. */
  search: string;
  /** One status; empty: any. */
  status: CommandStatus | '';
}

/** Newest first, everything. */
export const DEFAULT_COMMAND_VIEW: CommandListView = {
  sort: 'created',
  descending: true,
  search: '',
  status: '',
};

/** A page of commands as the API answers it. */
export interface CommandPage {
  items: CommandItem[];
  next: string | null;
  total?: number;
}

/** The query string of a machine's command list for a view and page. */
export function commandListQuery(view: CommandListView, after: string | null, limit: number) {
  return {
    limit,
    sort: view.sort,
    order: view.descending ? ('desc' as const) : ('asc' as const),
    ...(view.search.trim() === '' ? {} : { search: view.search.trim() }),
    ...(view.status === '' ? {} : { status: view.status }),
    ...(after === null ? {} : { after }),
  };
}

/** One page of the machine's commands. */
export async function fetchCommandPage(
  machineId: string,
  view: CommandListView,
  after: string | null,
  limit: number,
): Promise<CommandPage> {
  const data = await ok(
    api.GET('/api/v1/machines/{id}/commands', {
      params: { path: { id: machineId }, query: commandListQuery(view, after, limit) },
    }),
  );
  const page = data as unknown as { items: CommandItem[]; next?: string | null; total?: number };
  return {
    items: page.items,
    next: page.next ?? null,
    ...(page.total === undefined ? {} : { total: page.total }),
  };
}

/** The most that the pending procedures list shows. */
const PENDING_LIMIT = 200;

/**
 * What waits for the machine or runs on it now, oldest first (the order it runs in), and how
 * many in all. Two filtered requests: the list filters one status at a time.
 */
export async function fetchPendingCommands(
  machineId: string,
): Promise<{ items: CommandItem[]; total: number }> {
  const oldestFirst = (status: CommandStatus) => ({
    ...DEFAULT_COMMAND_VIEW,
    descending: false,
    status,
  });
  const [waiting, running] = await Promise.all([
    fetchCommandPage(machineId, oldestFirst('pending'), null, PENDING_LIMIT),
    fetchCommandPage(machineId, oldestFirst('processing'), null, PENDING_LIMIT),
  ]);
  // By id: a server that does not filter by status answers the whole list to both.
  const byId = new Map([...running.items, ...waiting.items].map((c) => [c.id, c]));
  const items = [...byId.values()].filter((c) => !FINISHED.has(c.status));
  items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { items, total: (waiting.total ?? waiting.items.length) + (running.total ?? running.items.length) };
}

/** One command with every status change. */
export async function fetchCommand(id: string): Promise<CommandItem> {
  const data = await ok(api.GET('/api/v1/commands/{id}', { params: { path: { id } } }));
  return data as unknown as CommandItem;
}

/** Queues one command for this machine; answers the new command's id. */
export async function queueCommand(
  machineId: string,
  type: string,
  params: Record<string, unknown>,
): Promise<string> {
  const data = await ok(
    api.POST('/api/v1/commands', { body: { targets: { machines: [machineId] }, type, params } }),
  );
  const id = (data as unknown as { items: Array<{ id: string }> }).items[0]?.id;
  if (!id) throw new Error('the server queued no command');
  return id;
}

/** Cancels a pending command (the server answers 409 with the reason for any other). */
export async function cancelCommand(id: string): Promise<CommandItem> {
  const data = await ok(api.POST('/api/v1/commands/{id}/cancel', { params: { path: { id } } }));
  return data as unknown as CommandItem;
}

/** Suspends or resumes the machine; answers the machine as it is now. */
export async function setSuspended(id: string, suspended: boolean): Promise<MachineDetail> {
  const data = suspended
    ? await ok(api.POST('/api/v1/machines/{id}/suspend', { params: { path: { id } } }))
    : await ok(api.POST('/api/v1/machines/{id}/resume', { params: { path: { id } } }));
  return data as unknown as MachineDetail;
}

/** A stored file, as POST /files answers it. */
export interface StoredFile {
  id: string;
  name: string;
  size: number | null;
  sha256: string | null;
}

/**
 * Uploads a file into the server's file store, in the machine's group (so whoever may read
 * that group's files may send it), as the raw body the route takes.
 */
export async function uploadFile(file: File, group: string): Promise<StoredFile> {
  return ok(
    api.POST('/api/v1/files', {
      params: { query: { name: file.name, group } },
      // The route takes the raw bytes, not JSON.
      body: file as unknown as string,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { 'content-type': 'application/octet-stream' },
    }),
  ) as Promise<StoredFile>;
}

/** The file id a finished get-file reports in its output (JSON with fileId, size, sha256). */
export function fetchedFileOf(command: CommandItem): { fileId: string; size: number | null } | null {
  if (command.type !== 'get-file' || command.status !== 'complete' || !command.result?.output) return null;
  try {
    const parsed = JSON.parse(command.result.output) as { fileId?: unknown; size?: unknown };
    if (typeof parsed.fileId !== 'string') return null;
    return { fileId: parsed.fileId, size: typeof parsed.size === 'number' ? parsed.size : null };
  } catch {
    return null;
  }
}

/** A short line saying what a command does: a script's first line, a file's path. */
export function commandSummary(command: CommandItem): string {
  const p = command.params;
  if (command.type === 'shell' && typeof p.script === 'string') {
    const first = p.script.split('\n').find((line) => line.trim() !== '') ?? '';
    return first.length > 80 ? `${first.slice(0, 79)}…` : first;
  }
  if ((command.type === 'get-file' || command.type === 'put-file') && typeof p.path === 'string')
    return p.path;
  if (command.type === 'update-checkin-control' && typeof p.revision === 'number')
    return `settings revision ${p.revision}`;
  return '';
}

import { createHash } from 'node:crypto';
import { EVERYTHING, filterContains, type ScopeFilter } from '../access/scope';
import { ErrorCode, invalidInput, MusterError, notFound } from '../domain/errors';
import { parseGroupId } from '../domain/machine-names';
import { newId } from '../services/secrets';
import type { FileRecord, FileStore } from './file-record';

/** The piece size an administrator's upload is stored in. */
const UPLOAD_PIECE_BYTES = 256 * 1024;
/** How much a download or a hash check reads at a time. */
const READ_PIECE_BYTES = 1024 * 1024;

/** A file name as shown and as written by put-file when no other name is given. */
export function checkFileName(name: string): string {
  const trimmed = name.trim();
  if (
    trimmed.length === 0 ||
    trimmed.length > 255 ||
    /[\\/\0]/.test(trimmed) ||
    trimmed === '.' ||
    trimmed === '..'
  )
    throw invalidInput(`"${name.slice(0, 60)}" is not a file name: 1-255 characters, no slashes`);
  return trimmed;
}

/**
 * The server's file store as administrators use it: uploads (verified by SHA-256 as they are
 * stored), downloads of uploads and of get-file results, and what a put-file command needs to
 * know of its file.
 */
export class FileService {
  constructor(
    private readonly store: FileStore,
    private readonly maxBytes: number,
    private readonly clock: () => number,
  ) {}

  /**
   * Stores an upload piece by piece; a failed or oversized upload leaves nothing behind. The
   * file belongs to `group` (which must be in the caller's scope), or without it to the one
   * organization or group the caller's scope includes; a caller who sees everything may leave
   * it without a group (then only such callers see it).
   */
  async upload(
    name: string,
    body: AsyncIterable<Uint8Array>,
    scope: ScopeFilter,
    group?: string,
  ): Promise<FileRecord> {
    const groupId = uploadGroup(scope, group);
    const file = await this.store.createFile({
      id: newId(),
      name: checkFileName(name),
      machineId: null,
      commandId: null,
      groupId,
      createdAt: this.clock(),
    });
    const hash = createHash('sha256');
    let received = 0;
    let pending = Buffer.alloc(0);
    const append = async (piece: Buffer) => {
      const written = await this.store.appendChunk(file.id, received, piece);
      if (!written.written) throw new Error('the upload was changed while it was stored');
      received = written.received;
    };
    try {
      for await (const chunk of body) {
        hash.update(chunk);
        pending = Buffer.concat([pending, chunk]);
        if (received + pending.length > this.maxBytes) {
          throw invalidInput(`the file is larger than the server's limit of ${this.maxBytes} bytes`);
        }
        while (pending.length >= UPLOAD_PIECE_BYTES) {
          await append(pending.subarray(0, UPLOAD_PIECE_BYTES));
          pending = pending.subarray(UPLOAD_PIECE_BYTES);
        }
      }
      if (pending.length > 0) await append(pending);
      await this.store.completeFile(file.id, received, hash.digest('hex'), this.clock());
    } catch (error) {
      await this.store.deleteFile(file.id);
      throw error;
    }
    return this.get(file.id, scope);
  }

  /** A file in scope (omitted: the server's own view); out of scope it is unknown. */
  async get(id: string, scope: ScopeFilter = EVERYTHING): Promise<FileRecord> {
    const file = await this.store.getFile(id, scope);
    if (!file) throw notFound(`no file "${id}"`);
    return file;
  }

  /** The newest files in scope. */
  list(limit: number, scope: ScopeFilter): Promise<FileRecord[]> {
    return this.store.listFiles(limit, scope);
  }

  /** Deletes a file in scope. */
  async remove(id: string, scope: ScopeFilter): Promise<void> {
    await this.get(id, scope);
    if (!(await this.store.deleteFile(id))) throw notFound(`no file "${id}"`);
  }

  /** The content of a complete file, piece by piece. */
  async *content(file: FileRecord): AsyncGenerator<Buffer> {
    for (let offset = 0; offset < (file.size ?? 0); offset += READ_PIECE_BYTES) {
      yield await this.store.readRange(file.id, offset, READ_PIECE_BYTES);
    }
  }

  /**
   * A complete file in the caller's scope (files.read) for a put-file command: its size and
   * hash go into the signed command. Out of scope it is unknown, as everywhere else.
   */
  async forPut(id: string, scope: ScopeFilter): Promise<{ size: number; sha256: string }> {
    const file = await this.store.getFile(id, scope);
    if (!file) throw notFound(`no file "${id}" to put; upload it first (POST /api/v1/files)`);
    if (file.status !== 'complete' || file.size === null || file.sha256 === null)
      throw new MusterError(ErrorCode.invalidState, `file ${id} is still being received`);
    return { size: file.size, sha256: file.sha256 };
  }
}

/** The group an upload belongs to (see FileService.upload). */
function uploadGroup(scope: ScopeFilter, requested: string | undefined): string | null {
  if (requested !== undefined) {
    const group = parseGroupId(requested);
    // Out of scope reads as unknown, as everywhere else.
    if (!filterContains(scope, group, null)) throw notFound(`no machine group "${group}"`);
    return group;
  }
  if (scope.all) return null;
  const included = new Set(scope.scopes.flatMap((s) => s.includeGroups));
  const [only] = included;
  if (included.size === 1 && only !== undefined && filterContains(scope, only, null)) return only;
  throw invalidInput(
    'name the machine group the file belongs to with "group" (your scope holds more than one, or none as a whole); nothing was stored',
  );
}

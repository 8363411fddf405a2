import type { ScopeFilter } from '../access/scope';

/** Where a stored file stands: still arriving (resumable), or complete and verified. */
export type FileStatus = 'receiving' | 'complete';

/** A file in the server's file store: an administrator's upload or a get-file result. */
export interface FileRecord {
  id: string;
  name: string;
  status: FileStatus;
  /** Bytes held so far, durably. */
  received: number;
  /** Set once complete. */
  size: number | null;
  /** SHA-256 (hex) of the whole content, set once complete. */
  sha256: string | null;
  /** The machine a get-file came from. */
  machineId: string | null;
  /** The get-file command that owns this upload. */
  commandId: string | null;
  /**
   * The group the file belongs to, which scopes reach it by: the machine's for a get-file
   * result, the one named at upload otherwise; null only for uploads made before groups.
   */
  groupId: string | null;
  createdAt: number;
  completedAt: number | null;
}

/** A file to create, empty and receiving. */
export interface NewFile {
  id: string;
  name: string;
  machineId: string | null;
  commandId: string | null;
  groupId: string | null;
  createdAt: number;
}

/** The largest piece a file is stored in; reads look this far back for the piece holding an offset. */
export const MAX_STORED_CHUNK_BYTES = 1024 * 1024;

/** File content and metadata, in the database so every server node sees the same files. */
export interface FileStore {
  /** Creates an empty receiving file; for a command that already has one, returns that one. */
  createFile(file: NewFile): Promise<FileRecord>;
  /**
   * Appends a piece (at most MAX_STORED_CHUNK_BYTES) at `offset`, which must be what the file
   * holds so far; otherwise nothing is written (a repeat or a gap). Returns whether it was
   * written and the bytes held afterwards. Never writes to a complete file.
   */
  appendChunk(id: string, offset: number, data: Uint8Array): Promise<{ written: boolean; received: number }>;
  /** Marks a receiving file complete with its size and hash; false if missing or sizes differ. */
  completeFile(id: string, size: number, sha256: string, now: number): Promise<boolean>;
  /** Drops everything a receiving file holds (its content failed verification). */
  resetFile(id: string): Promise<void>;
  /** Up to `length` bytes from `offset` (fewer at the end of what is held). */
  readRange(id: string, offset: number, length: number): Promise<Buffer>;
  /**
   * A file, when it exists and is in scope: by its group, and by its machine for a get-file
   * result (omitted: everything).
   */
  getFile(id: string, scope?: ScopeFilter): Promise<FileRecord | null>;
  findByCommand(commandId: string): Promise<FileRecord | null>;
  /** Newest first. */
  listFiles(limit: number, scope?: ScopeFilter): Promise<FileRecord[]>;
  /** Deletes a file and its content; false if there was none. */
  deleteFile(id: string): Promise<boolean>;
}

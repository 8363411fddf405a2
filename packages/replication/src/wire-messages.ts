import { isValidBlockSize } from './block-size';
import { ReplicationError, type ReplicationErrorCode } from './replication-error';

/** Protocol version both ends must speak; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Largest file the protocol accepts (1 PiB): keeps every offset a safe integer. */
export const MAX_FILE_SIZE = 2 ** 50;

/** Local server → offsite: who is sending (the key already proved who it is). */
export interface HelloHeader {
  v: number;
  guid: string;
}

/**
 * Offsite → local: the store's identity, the files whose copy the offsite knows is bad, and
 * what it can do beyond version 1 (older offsites send no `features`; older senders ignore it).
 */
export interface WelcomeHeader {
  v: number;
  storeId: string;
  stale: string[];
  features?: string[];
}

/**
 * Feature: a small new file may come as file-begin (with `inline`), its one literal frame and
 * file-end at once, without waiting for a file-basis answer (which the offsite does not send).
 */
export const FEATURE_INLINE = 'inline';

/**
 * Feature: an inline file-begin may name its `blockSize` (block-size.ts inlineBlockSize: one
 * block for a file up to 128 KiB). Without it (an older sender or offsite) both ends hash an
 * inline file at idealBlockSize(size), 512-byte blocks for most small files.
 */
export const FEATURE_INLINE_BLOCK = 'inline-block';

/** Largest file sent inline: one literal frame, never journaled. */
export const INLINE_MAX_SIZE = 256 * 1024;

/**
 * Local → offsite: a file is about to change; `strong` asks for full-length block hashes;
 * `inline` says its data follows at once (see FEATURE_INLINE), hashed with `blockSize` when
 * given (FEATURE_INLINE_BLOCK), else with idealBlockSize(size).
 */
export interface FileBeginHeader {
  path: string;
  size: number;
  mtimeMs: number;
  strong?: number;
  inline?: boolean;
  /** Only with `inline`: the block size both ends hash the file with. */
  blockSize?: number;
}

/** The offsite's current copy, described by its block signature (sent in signature chunks). */
export interface BasisDescription {
  size: number;
  blockSize: number;
  blocks: number;
  strongLength: number;
  damaged: number[];
}

/** Offsite → local: where to resume, the new file's block size, and the basis to diff against. */
export interface FileBasisHeader {
  path: string;
  resumeFrom: number;
  blockSize: number;
  basis: BasisDescription | null;
}

/**
 * Local → offsite: the whole-file digest the reconstruction must match. `abort` says the source
 * changed while it was read, so the offsite must drop what it got rather than commit it.
 */
export interface FileEndHeader {
  digest: string;
  abort?: boolean;
}

/** Offsite → local: outcome of one file or deletion. */
export interface ResultHeader {
  path: string;
  ok: boolean;
  code?: ReplicationErrorCode;
  message?: string;
}

/** Local → offsite: a file that has been gone locally for longer than the delete delay. */
export interface DeleteFileHeader {
  path: string;
}

/** Local → offsite: the pass is over; `complete` is false when some files failed. */
export interface PassEndHeader {
  complete: boolean;
}

/** Either way: something went wrong; `fatal` means the connection closes after it. */
export interface ErrorHeader {
  code: ReplicationErrorCode;
  message: string;
  fatal: boolean;
}

function fail(what: string): never {
  throw new ReplicationError('frame-malformed', `invalid ${what}`);
}

function str(header: Record<string, unknown>, key: string, max = 4096): string {
  const value = header[key];
  if (typeof value !== 'string' || value.length > max) fail(`field ${key}`);
  return value;
}

function int(header: Record<string, unknown>, key: string, max = MAX_FILE_SIZE): number {
  const value = header[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max)
    fail(`field ${key}`);
  return value;
}

function bool(header: Record<string, unknown>, key: string): boolean {
  const value = header[key];
  if (typeof value !== 'boolean') fail(`field ${key}`);
  return value;
}

/** Validates a hello header. */
export function parseHello(h: Record<string, unknown>): HelloHeader {
  return { v: int(h, 'v', 1000), guid: str(h, 'guid', 128) };
}

/** Validates a welcome header. */
export function parseWelcome(h: Record<string, unknown>): WelcomeHeader {
  const stale = h['stale'];
  if (!Array.isArray(stale) || !stale.every((s) => typeof s === 'string')) fail('field stale');
  const welcome: WelcomeHeader = {
    v: int(h, 'v', 1000),
    storeId: str(h, 'storeId', 128),
    stale: stale as string[],
  };
  const features = h['features'];
  if (Array.isArray(features)) welcome.features = features.filter((f): f is string => typeof f === 'string');
  return welcome;
}

/** Validates a file-begin header. */
export function parseFileBegin(h: Record<string, unknown>): FileBeginHeader {
  const begin: FileBeginHeader = {
    path: str(h, 'path'),
    size: int(h, 'size'),
    mtimeMs: int(h, 'mtimeMs', 2 ** 52),
  };
  if (h['strong'] !== undefined) begin.strong = int(h, 'strong', 32);
  if (h['inline'] === true) {
    if (begin.size > INLINE_MAX_SIZE) fail('field inline');
    begin.inline = true;
  }
  if (h['blockSize'] !== undefined) {
    const blockSize = h['blockSize'];
    if (!begin.inline || typeof blockSize !== 'number' || !isValidBlockSize(blockSize))
      fail('field blockSize');
    begin.blockSize = blockSize;
  }
  return begin;
}

/** Validates a file-basis header. */
export function parseFileBasis(h: Record<string, unknown>): FileBasisHeader {
  const raw = h['basis'];
  let basis: BasisDescription | null = null;
  if (raw !== null) {
    if (typeof raw !== 'object' || raw === undefined || Array.isArray(raw)) fail('field basis');
    const b = raw as Record<string, unknown>;
    const damaged = b['damaged'];
    if (!Array.isArray(damaged) || !damaged.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('damaged');
    basis = {
      size: int(b, 'size'),
      blockSize: int(b, 'blockSize', 1 << 24),
      blocks: int(b, 'blocks', 2 ** 32),
      strongLength: int(b, 'strongLength', 32),
      damaged: damaged as number[],
    };
    if (
      basis.blockSize === 0 ||
      basis.strongLength < 2 ||
      basis.blocks !== Math.ceil(basis.size / basis.blockSize)
    )
      fail('basis sizes');
  }
  const blockSize = int(h, 'blockSize', 1 << 24);
  if (blockSize === 0) fail('field blockSize');
  return { path: str(h, 'path'), resumeFrom: int(h, 'resumeFrom'), blockSize, basis };
}

/** Validates a file-end header. */
export function parseFileEnd(h: Record<string, unknown>): FileEndHeader {
  const digest = str(h, 'digest', 64);
  if (!/^[0-9a-f]{64}$/.test(digest)) fail('field digest');
  return h['abort'] === true ? { digest, abort: true } : { digest };
}

/** Validates a file or delete result header. */
export function parseResult(h: Record<string, unknown>): ResultHeader {
  const result: ResultHeader = { path: str(h, 'path'), ok: bool(h, 'ok') };
  if (h['code'] !== undefined) result.code = str(h, 'code', 64) as ReplicationErrorCode;
  if (h['message'] !== undefined) result.message = str(h, 'message');
  return result;
}

/** Validates a delete-file header. */
export function parseDeleteFile(h: Record<string, unknown>): DeleteFileHeader {
  return { path: str(h, 'path') };
}

/** Validates a pass-end header. */
export function parsePassEnd(h: Record<string, unknown>): PassEndHeader {
  return { complete: bool(h, 'complete') };
}

/** Validates an error header. */
export function parseError(h: Record<string, unknown>): ErrorHeader {
  return {
    code: str(h, 'code', 64) as ReplicationErrorCode,
    message: str(h, 'message'),
    fatal: bool(h, 'fatal'),
  };
}

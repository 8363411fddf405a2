import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rename, stat, truncate, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import {
  DEFAULT_GET_FILE_MAX_BYTES,
  FILE_CHUNK_BYTES,
  type FileReply,
  type GetFileParams,
  type PutFileParams,
} from '@muster/protocol';
import type { FileChannel } from './file-channel';

/** Requests kept in flight, so a transfer is not held to one round trip per piece. */
const WINDOW = 4;
/** put-file makes what it received durable this often, so a crash loses little. */
const SYNC_EVERY_BYTES = 8 * 1024 * 1024;

/** A transfer the server or the file system refused; the command fails with this message. */
export class TransferError extends Error {
  constructor(
    message: string,
    /** The server dropped the partial upload: worth one fresh start. */
    readonly reset = false,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

/** What the agent takes from its bandwidth throttle before it asks for data. */
export interface TransferThrottle {
  take(bytes: number): Promise<void>;
}

function expect<T extends FileReply['t']>(reply: FileReply, type: T): Extract<FileReply, { t: T }> {
  if (reply.t === 'file-error') throw new TransferError(reply.message, reply.reset);
  if (reply.t !== type) throw new TransferError(`the server answered ${reply.t}, not ${type}`);
  return reply as Extract<FileReply, { t: T }>;
}

/** Hashes the first `length` bytes of a file (the part a resumed transfer already moved). */
async function hashPrefix(path: string, length: number, hash: Hash): Promise<void> {
  if (length === 0) return;
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1 }))
    hash.update(chunk as Buffer);
}

/** Where put-file keeps a partial download: hidden, next to the target, named by the content. */
export function partialPathFor(params: Pick<PutFileParams, 'path' | 'sha256'>): string {
  return join(dirname(params.path), `.${basename(params.path)}.${params.sha256.slice(0, 16)}.muster-part`);
}

/**
 * put-file: fetches a file from the server into `path`. Pieces are taken from the throttle
 * before they are asked for, appended to a hidden partial file next to the target (so a broken
 * transfer, or a restarted agent, continues from its size), checked against the signed SHA-256
 * and renamed into place.
 */
export async function putFile(
  channel: FileChannel,
  throttle: TransferThrottle,
  commandId: string,
  params: PutFileParams,
): Promise<string> {
  if (!isAbsolute(params.path)) throw new TransferError(`"${params.path}" is not an absolute path`);
  const dir = await stat(dirname(params.path)).catch(() => null);
  if (!dir?.isDirectory()) throw new TransferError(`the folder ${dirname(params.path)} does not exist`);
  if (!params.overwrite && (await stat(params.path).catch(() => null)))
    throw new TransferError(`${params.path} exists; set overwrite to replace it`);
  const partial = partialPathFor(params);
  let offset = (await stat(partial).catch(() => null))?.size ?? 0;
  if (offset > params.size) {
    await truncate(partial, 0);
    offset = 0;
  }
  const hash = createHash('sha256');
  await hashPrefix(partial, offset, hash);
  const resumedAt = offset;
  const file = await open(partial, 'a', 0o600);
  try {
    let unsynced = 0;
    const ask = async (at: number) => {
      const length = Math.min(FILE_CHUNK_BYTES, params.size - at);
      await throttle.take(length);
      return channel.request({ t: 'file-read', commandId, offset: at, length });
    };
    const inFlight: Array<Promise<FileReply>> = [];
    let next = offset;
    while (offset < params.size) {
      while (inFlight.length < WINDOW && next < params.size) {
        inFlight.push(handled(ask(next)));
        next += Math.min(FILE_CHUNK_BYTES, params.size - next);
      }
      const piece = expect(await (inFlight.shift() as Promise<FileReply>), 'file-data');
      const data = Buffer.from(piece.data, 'base64');
      if (piece.offset !== offset || data.length === 0)
        throw new TransferError(`the server sent the piece at ${piece.offset}, not ${offset}`);
      await file.write(data);
      hash.update(data);
      offset += data.length;
      unsynced += data.length;
      if (unsynced >= SYNC_EVERY_BYTES) {
        await file.sync();
        unsynced = 0;
      }
    }
    await file.sync();
  } finally {
    await file.close();
  }
  if (hash.digest('hex') !== params.sha256) {
    await unlink(partial).catch(() => undefined);
    throw new TransferError('the received file does not match its SHA-256; it was discarded');
  }
  if (!params.overwrite && (await stat(params.path).catch(() => null)))
    throw new TransferError(`${params.path} appeared during the transfer; set overwrite to replace it`);
  await rename(partial, params.path);
  await syncDirectory(dirname(params.path));
  return `wrote ${params.size} bytes to ${params.path} (sha256 ${params.sha256})${
    resumedAt > 0 ? `, resumed at byte ${resumedAt}` : ''
  }`;
}

/**
 * get-file: sends a file to the server's file store. The server says how much it already holds
 * (a retry resumes there), pieces go through the connection's throttle, and the server checks
 * size and SHA-256 before it keeps the file. If the file changed between attempts the server
 * starts over once.
 */
export async function getFile(
  channel: FileChannel,
  commandId: string,
  params: GetFileParams,
): Promise<string> {
  try {
    return await sendFile(channel, commandId, params);
  } catch (error) {
    if (error instanceof TransferError && error.reset) return sendFile(channel, commandId, params);
    throw error;
  }
}

async function sendFile(channel: FileChannel, commandId: string, params: GetFileParams): Promise<string> {
  if (!isAbsolute(params.path)) throw new TransferError(`"${params.path}" is not an absolute path`);
  const info = await stat(params.path).catch(() => null);
  if (!info?.isFile()) throw new TransferError(`${params.path} is not a file on this machine`);
  const limit = params.maxBytes ?? DEFAULT_GET_FILE_MAX_BYTES;
  if (info.size > limit)
    throw new TransferError(`${params.path} has ${info.size} bytes, more than maxBytes ${limit}`);
  const size = info.size;
  let received = expect(await channel.request({ t: 'file-status', commandId }), 'file-ack').received;
  if (received > size) throw new TransferError('the file shrank since the transfer began', true);
  const hash = createHash('sha256');
  await hashPrefix(params.path, received, hash);
  const resumedAt = received;
  const file: FileHandle = await open(params.path, 'r');
  try {
    const inFlight: Array<{ reply: Promise<FileReply>; end: number }> = [];
    let next = received;
    while (received < size) {
      while (inFlight.length < WINDOW && next < size) {
        const buffer = Buffer.alloc(Math.min(FILE_CHUNK_BYTES, size - next));
        const { bytesRead } = await file.read(buffer, 0, buffer.length, next);
        if (bytesRead === 0) throw new TransferError('the file shrank during the transfer', true);
        const data = buffer.subarray(0, bytesRead);
        hash.update(data);
        inFlight.push({
          reply: handled(
            channel.request({ t: 'file-write', commandId, offset: next, data: data.toString('base64') }),
          ),
          end: next + bytesRead,
        });
        next += bytesRead;
      }
      const head = inFlight.shift() as { reply: Promise<FileReply>; end: number };
      const ack = expect(await head.reply, 'file-ack');
      if (ack.received !== head.end)
        throw new TransferError(`the server holds ${ack.received} bytes, expected ${head.end}`);
      received = ack.received;
    }
  } finally {
    await file.close();
  }
  const sha256 = hash.digest('hex');
  const done = expect(await channel.request({ t: 'file-done', commandId, size, sha256 }), 'file-ack');
  return JSON.stringify({ fileId: done.fileId, path: params.path, size, sha256, resumedAt });
}

/**
 * Marks a request made ahead of time as handled: when the transfer stops early (an error, a
 * lost connection) the requests still in flight reject with nobody awaiting them.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Makes a rename in a directory durable (its entry written), where the platform allows. */
export async function syncDirectory(path: string): Promise<void> {
  try {
    const dir = await open(path, 'r');
    await dir.sync();
    await dir.close();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}

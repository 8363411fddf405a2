import { constants } from 'node:fs';
import { type FileHandle, open, statfs } from 'node:fs/promises';
import { WASM_PAGE, webAssembly } from './webassembly';

/**
 * What direct I/O asks of a write's memory address, length and file offset. One page covers
 * both 512-byte and 4 KiB logical sectors.
 */
export const DIRECT_ALIGN = 4096;

/** Bytes of one staging buffer: a batch is copied into it and written from there. */
export const DIRECT_SLOT = 512 * 1024;

/** Staging buffers made per WebAssembly memory (it is reserved whole, touched as used). */
const SLOTS_PER_MEMORY = 4;

/** Staging buffers kept for reuse at most; more are let go when given back. */
const MAX_FREE_SLOTS = 8;

/** O_DIRECT where the platform has it (Linux); undefined elsewhere (Windows, macOS). */
const O_DIRECT: number | undefined = (constants as { O_DIRECT?: number }).O_DIRECT;

/**
 * File systems on local disks (their statfs magic numbers) whose writes go straight to the
 * device with O_DIRECT: ext2/3/4, XFS, Btrfs, F2FS. On a network file system (NFS, SMB) a
 * direct write is a synchronous round trip to the server, and the client's cache is what
 * keeps a transfer streaming; tmpfs and FUSE gain nothing from it either.
 */
const DIRECT_FILE_SYSTEMS = new Set([0xef53, 0x58465342, 0x9123683e, 0xf2f52010]);

/**
 * Opens `path` (which must exist) a second time for writing around the page cache, with
 * O_DIRECT, or returns undefined where that is not possible or not worth it: no O_DIRECT on
 * this platform, a file system not in DIRECT_FILE_SYSTEMS or that refuses it, or
 * MUSTER_DIRECT_IO=0 in the environment. Writing a received file through the page cache costs
 * the kernel a copy of every byte and a page to put it in (2 GiB written and fsynced by dd on
 * the benchmark's machine: 2.1-5.4 s of system time, 0.44-0.49 s with O_DIRECT), and the data
 * must reach the disk before the file is committed anyway.
 */
export async function openDirect(path: string): Promise<FileHandle | undefined> {
  if (O_DIRECT === undefined || process.env.MUSTER_DIRECT_IO === '0') return undefined;
  try {
    if (!DIRECT_FILE_SYSTEMS.has((await statfs(path)).type)) return undefined;
    return await open(path, constants.O_WRONLY | O_DIRECT);
  } catch {
    // Direct I/O only saves work: any refusal leaves the buffered handle doing all of it.
    return undefined;
  }
}

/**
 * Page-aligned staging buffers of DIRECT_SLOT bytes for direct writes. Buffer memory has no
 * alignment one can rely on (malloc's), but a WebAssembly memory is mapped by V8 on its own
 * pages, so its buffer starts on a page boundary and every slot cut from it at a multiple of
 * DIRECT_ALIGN does too. Slots are shared by every file of the process.
 */
export class DirectSlots {
  private readonly free: Buffer[] = [];

  /** A slot for the caller's sole use until give(). */
  take(): Buffer {
    const kept = this.free.pop();
    if (kept) return kept;
    const memory = new webAssembly.Memory({
      initial: (DIRECT_SLOT * SLOTS_PER_MEMORY) / WASM_PAGE,
      maximum: (DIRECT_SLOT * SLOTS_PER_MEMORY) / WASM_PAGE,
    });
    // Never grown: growing would detach the buffers already handed out.
    for (let i = 1; i < SLOTS_PER_MEMORY; i++)
      this.free.push(Buffer.from(memory.buffer, i * DIRECT_SLOT, DIRECT_SLOT));
    return Buffer.from(memory.buffer, 0, DIRECT_SLOT);
  }

  /** Gives back a slot from take(). */
  give(slot: Buffer): void {
    if (this.free.length < MAX_FREE_SLOTS) this.free.push(slot);
  }
}

/** The process's staging buffers for direct writes. */
export const directSlots = new DirectSlots();

import { WASM_PAGE, webAssembly } from './webassembly';

/** A 64-bit xxHash of some bytes (seed 0). */
export type Xxh64 = (data: Uint8Array) => bigint;

/**
 * The binary of xxh64.wat (xxHash64 over bytes in an imported WebAssembly memory), in base64;
 * xxh64.test.ts checks it is what that file assembles to, and that it hashes as xxhash-wasm
 * (which wrote the block memos of earlier versions) does.
 */
export const XXH64_WASM =
  'AGFzbQEAAAABDQJgAn5+AX5gAn9/AX4CDwEDZW52Bm1lbW9yeQIAAQMEAwAAAQcHAQNoNjQAAgrtBAMhACAAIAFCz9bTvtLHq9lCfnxCH4lCh5Wvr5i23puef34LIwAgAEIAIAEQAIVCh5Wvr5i23puef35C49zKlfzO8vWFf3wLpAQCAn8FfiAAIAFqIQIgAUEgTwRAQtbrgu7q/Yn14AAhBELP1tO+0ser2UIhBUIAIQZC+erQ0OfJoeThACEHIAJBIGshAwNAIAQgACkDAELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fiEEIAUgACkDCELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fiEFIAYgACkDEELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fiEGIAcgACkDGELP1tO+0ser2UJ+fEIfiUKHla+vmLbem55/fiEHIABBIGohACAAIANNDQALIARCAYkgBUIHiXwgBkIMiSAHQhKJfHwhCCAIIAQQASEIIAggBRABIQggCCAGEAEhCCAIIAcQASEIBULFz9my8eW66ichCAsgCCABrXwhCAJAA0AgAEEIaiACSw0BIAhCACAAKQMAEACFQhuJQoeVr6+Ytt6bnn9+QuPcypX8zvL1hX98IQggAEEIaiEADAALCyAAQQRqIAJNBEAgCCAANQIAQoeVr6+Ytt6bnn9+hUIXiULP1tO+0ser2UJ+Qvnz3fGZ9pmrFnwhCCAAQQRqIQALAkADQCAAIAJPDQEgCCAAMQAAQsXP2bLx5brqJ36FQguJQoeVr6+Ytt6bnn9+IQggAEEBaiEADAALCyAIIAhCIYiFQs/W077Sx6vZQn4hCCAIIAhCHYiFQvnz3fGZ9pmrFn4hCCAIIAhCIIiFCw==';

/** Memories kept for reuse at most: a file's encoder holds two at once, three for a moment. */
const KEPT_MEMORIES = 3;

/** The exports of an instance of xxh64.wat. */
interface Xxh64Exports {
  h64(ptr: number, len: number): bigint;
}

let compiled: object | undefined;

/** The module's instance over each memory made here, by that memory's buffer. */
const instances = new WeakMap<ArrayBufferLike, Xxh64Exports>();

/** A memory of `pages` pages (never grown: that would detach its views) and the module bound to it. */
function hashableMemory(pages: number): ArrayBuffer {
  compiled ??= new webAssembly.Module(Buffer.from(XXH64_WASM, 'base64'));
  const memory = new webAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new webAssembly.Instance(compiled, { env: { memory } });
  instances.set(memory.buffer, instance.exports as Xxh64Exports);
  return memory.buffer;
}

let scratch: { buffer: ArrayBuffer; exports: Xxh64Exports } | undefined;

/**
 * xxHash64 (seed 0): about 8 GB/s on one core here, against SHA-256's 1.7 GB/s (with the CPU's
 * SHA instructions). Bytes in a buffer from hashableBuffers are hashed where they are; any
 * other bytes are first copied into a scratch memory, which costs as much as the hashing (this
 * was always so with xxhash-wasm, whose memory is its own). Used only to tell whether a block
 * still holds the bytes it held when its SHA-256 was taken (block-memo.ts), never as a block's
 * identity.
 */
export function xxh64(data: Uint8Array): bigint {
  const inPlace = instances.get(data.buffer);
  if (inPlace) return BigInt.asUintN(64, inPlace.h64(data.byteOffset, data.byteLength));
  if (!scratch || scratch.buffer.byteLength < data.byteLength) {
    const buffer = hashableMemory(Math.max(1, Math.ceil(data.byteLength / WASM_PAGE)));
    scratch = { buffer, exports: instances.get(buffer)! };
  }
  new Uint8Array(scratch.buffer, 0, data.byteLength).set(data);
  return BigInt.asUintN(64, scratch.exports.h64(0, data.byteLength));
}

/**
 * Buffers whose bytes xxh64 hashes in place: each is a WebAssembly memory of its own (whole
 * 64 KiB pages) with the module bound to it. The sender reads a file it checks against its
 * block memo into these, so the 4 GiB of an unchanged image are not copied once more to be
 * hashed. A few memories given back are kept, and a take is served by the smallest kept one
 * that is large enough (a file's last, shorter read takes a full-size one, not a new memory).
 */
export class HashableBuffers {
  /** Kept memories, the one given back last at the end. */
  private readonly kept: ArrayBuffer[] = [];

  /** A buffer of exactly `length` bytes (contents undefined), for the caller's sole use until give(). */
  take(length: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.kept.length; i++) {
      const size = this.kept[i]!.byteLength;
      if (size >= length && (best < 0 || size < this.kept[best]!.byteLength)) best = i;
    }
    const backing =
      best >= 0 ? this.kept.splice(best, 1)[0]! : hashableMemory(Math.max(1, Math.ceil(length / WASM_PAGE)));
    return Buffer.from(backing, 0, length);
  }

  /** Gives back a buffer from take() (or a view of one); anything else is ignored. */
  give(buffer: Buffer): void {
    const backing = buffer.buffer;
    if (!(backing instanceof ArrayBuffer) || !instances.has(backing) || backing === scratch?.buffer) return;
    if (this.kept.includes(backing)) return;
    // The oldest goes first: the sizes in use now are the ones given back last.
    if (this.kept.length >= KEPT_MEMORIES) this.kept.shift();
    this.kept.push(backing);
  }
}

/** The process's hashable buffers. */
export const hashableBuffers = new HashableBuffers();

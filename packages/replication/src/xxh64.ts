import xxhash from 'xxhash-wasm';

/** A 64-bit xxHash of some bytes (seed 0). */
export type Xxh64 = (data: Uint8Array) => bigint;

let loading: Promise<Xxh64> | undefined;

/**
 * xxHash64, from xxhash-wasm: about 7 GB/s on one core here, against SHA-256's 1 GB/s (with the
 * CPU's SHA instructions). Used only to tell whether a block still holds the bytes it held
 * when its SHA-256 was taken (block-memo.ts), never as a block's identity. The WebAssembly
 * module is compiled once per process, on the first call.
 */
export function loadXxh64(): Promise<Xxh64> {
  loading ??= xxhash().then((api) => (data: Uint8Array) => api.h64Raw(data));
  return loading;
}

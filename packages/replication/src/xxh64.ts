/** A 64-bit xxHash of some bytes (seed 0). */
export type Xxh64 = (data: Uint8Array) => bigint;

let loading: Promise<Xxh64> | undefined;

/**
 * xxHash64, from xxhash-wasm: about 7 GB/s on one core here, against SHA-256's 1 GB/s (with the
 * CPU's SHA instructions). Used only to tell whether a block still holds the bytes it held
 * when its SHA-256 was taken (block-memo.ts), never as a block's identity. The module is
 * loaded and its WebAssembly compiled on the first call, once per process: a pass that sends
 * no large file does not pay the 1.5-2.5 MiB they take.
 */
export function loadXxh64(): Promise<Xxh64> {
  loading ??= import('xxhash-wasm')
    .then(({ default: xxhash }) => xxhash())
    .then((api) => (data: Uint8Array) => api.h64Raw(data));
  return loading;
}

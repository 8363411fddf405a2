/**
 * The part of the WebAssembly API this package uses: the project's type libraries (ES2022 and
 * node's types) do not declare the global, so it is typed here once.
 */
export interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}

/** The runtime's WebAssembly global. */
export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** 64 KiB, the unit a WebAssembly memory is sized in. */
export const WASM_PAGE = 64 * 1024;

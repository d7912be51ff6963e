/** A small WebAssembly kernel embedded as base64 (count-newlines.ts, text-scan.ts), made on first use. */

/** The part of the WebAssembly API used here (the compiler's libraries for Node do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

/** The kernel's exports; null where this Node cannot run it (no WebAssembly, or no SIMD). */
export function wasmKernel<Exports>(base64: string): Exports | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
    return new wasm.Instance(new wasm.Module(Buffer.from(base64, "base64"))).exports as Exports;
  } catch {
    return null;
  }
}

// Host views of a backend's tensor storage (tfjs 4.22.0 internals: the wasm heap, the cpu backend's
// value arrays). Used by the host ops, the host Adam and the data-parallel parameter copies.
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  refCount(id: object): number;
}
interface CpuBackendLike {
  data: { get(id: object): { values?: unknown } | undefined };
  refCount(id: object): number;
}

/** a writable float32 view of t's storage, or null when the backend keeps it elsewhere */
export function float32View(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const b = tf.engine().backend as unknown as Partial<WasmBackendLike & CpuBackendLike>;
  const id = t.dataId as object;
  if (b.wasm && b.dataIdMap) {
    const d = b.dataIdMap.get(id);
    if (!d || d.memoryOffset == null) return null;
    return new Float32Array(b.wasm.HEAPU8.buffer, d.memoryOffset, t.size);
  }
  if (tf.getBackend() === 'cpu' && b.data) {
    const v = b.data.get(id)?.values;
    return v instanceof Float32Array && v.length === t.size ? v : null;
  }
  return null;
}

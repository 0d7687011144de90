// Matrix products on regions of tfjs's wasm heap: XNNPACK's matmul (the wasm backend's own
// BatchMatMul export, threaded in the threaded build) called on row ranges of existing tensors
// and on scratch buffers, writing into row ranges of a preallocated output — no slice, concat or
// pad kernels. Used by the staircase MADE layer (runtime/kernels/fused/staircase-dense.ts).
//
// How: the C++ side of the backend knows tensors only as (id → heap offset, size); register_tensor
// adds such an entry without allocating, dispose_data removes it (and deletes the XNNPACK operator
// cached with packed weights for that id) without freeing memory (the JS side frees). So a region
// is given a fresh id (from the backend's own counter, so ids never collide) for one call and
// released right after. Row-major everywhere; a region of rows r0..r1 of an [R, C] matrix at
// offset p is the contiguous [r1 − r0, C] matrix at p + 4·r0·C.
import * as tf from '@tensorflow/tfjs-core';

interface WasmModule {
  cwrap(name: string, ret: null, args: string[]): (...a: unknown[]) => void;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}
interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

export interface HeapMatMul {
  /** heap byte offset of a float32 tensor's values */
  offset(t: tf.Tensor): number;
  /** a fresh tensor of the backend (values uninitialised) and its offset */
  output(shape: number[]): [tf.Tensor, number];
  /** scratch heap memory for n floats (free it with free) */
  alloc(n: number): number;
  free(ptr: number): void;
  /** a float32 view of the whole heap (valid until the next allocation grows it) */
  heap(): Float32Array;
  /**
   * out[M, N] = a[M, K] · b[K, N] (transB: b stored as [N, K], out = a·bᵀ); a, b, out are heap
   * byte offsets of row-major float32 matrices; a is streamed, b is packed by XNNPACK
   */
  matMul(a: number, b: number, out: number, M: number, K: number, N: number, transB: boolean): void;
}

const cache = new WeakMap<object, HeapMatMul | null>();

const shapeBytes = (s: number[]) => new Uint8Array(new Int32Array(s).buffer);

/** the heap matmul of the current backend: wasm only, else null */
export function heapMatMul(): HeapMatMul | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.engine().backend as unknown as Partial<WasmBackend>;
  if (!b.wasm || !b.dataIdMap || !b.makeOutput || typeof b.dataIdNextNumber !== 'number') return null;
  if (cache.has(b.wasm)) return cache.get(b.wasm)!;
  const be = b as WasmBackend;
  let hm: HeapMatMul | null;
  try {
    const mm = be.wasm.cwrap(tf.BatchMatMul, null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]);
    const reg = (ptr: number, size: number): number => {
      const id = be.dataIdNextNumber++;
      be.wasm.tfjs.registerTensor(id, size, ptr);
      return id;
    };
    hm = {
      offset: (t) => be.dataIdMap.get(t.dataId as object)!.memoryOffset,
      output: (shape) => {
        const info = be.makeOutput(shape, 'float32');
        return [tf.engine().makeTensorFromTensorInfo(info), be.dataIdMap.get(info.dataId as object)!.memoryOffset];
      },
      alloc: (n) => be.wasm._malloc(4 * Math.max(1, n)) >>> 0,
      free: (p) => be.wasm._free(p),
      heap: () => new Float32Array(be.wasm.HEAPU8.buffer),
      matMul: (a, bp, out, M, K, N, transB) => {
        const ia = reg(a, M * K),
          ib = reg(bp, K * N),
          io = reg(out, M * N);
        try {
          mm(ia, shapeBytes([1, M, K]), 3, ib, shapeBytes(transB ? [1, N, K] : [1, K, N]), 3, false, transB, io);
        } finally {
          be.wasm.tfjs.disposeData(ia);
          be.wasm.tfjs.disposeData(ib);
          be.wasm.tfjs.disposeData(io);
        }
      },
    };
  } catch {
    hm = null;
  }
  cache.set(b.wasm, hm);
  return hm;
}

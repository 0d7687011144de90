// Faster transposed matrix products for wasm. The stock wasm BatchMatMul / _FusedMatMul run
// 10× slower with transposeA or transposeB (1–2 GFLOP/s vs 16–22), and every backward pass of a
// dense layer uses those forms (dA = dy·Bᵀ, dB = Aᵀ·dy). This substitute materialises the
// transposed operand once with the wasm Transpose kernel (memory-bound, cheap) and runs the
// plain, fast product on it; results are the same products, only the summation order inside
// the kernel may differ (tested against the stock kernel to float32 rounding).
import * as tf from '@tensorflow/tfjs-core';

type Info = tf.TensorInfo;
interface Backend {
  disposeData(id: object): void;
}

/** swaps the last two axes of x with the backend's own Transpose kernel */
function transposeLast2(x: Info, backend: unknown, transposeK: tf.KernelConfig): Info {
  const r = x.shape.length;
  const perm = Array.from({ length: r }, (_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
  return transposeK.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { perm } as never }) as Info;
}

/** wraps a matmul kernel (inputs a, b; attrs transposeA, transposeB) so it never runs a transposed form */
export function untransposedMatMulConfig(
  stock: tf.KernelConfig,
  transposeK: tf.KernelConfig,
  minSize = 0,
): tf.KernelConfig {
  return {
    kernelName: stock.kernelName,
    backendName: stock.backendName,
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const inputs = args.inputs as Record<string, Info>;
      const a = inputs.a!,
        b = inputs.b!;
      const tA = attrs.transposeA && tf.util.sizeFromShape(a.shape) >= minSize;
      const tB = attrs.transposeB && tf.util.sizeFromShape(b.shape) >= minSize;
      if (!tA && !tB) return stock.kernelFunc(args);
      const backend = args.backend as Backend;
      const temps: Info[] = [];
      const aa = tA ? transposeLast2(a, backend, transposeK) : a;
      const bb = tB ? transposeLast2(b, backend, transposeK) : b;
      if (tA) temps.push(aa);
      if (tB) temps.push(bb);
      try {
        return stock.kernelFunc({
          ...args,
          inputs: { ...inputs, a: aa, b: bb } as never,
          attrs: { ...args.attrs, transposeA: attrs.transposeA && !tA, transposeB: attrs.transposeB && !tB } as never,
        });
      } finally {
        for (const t of temps) backend.disposeData(t.dataId);
      }
    },
  };
}

const done = new Set<string>();

/**
 * Replaces BatchMatMul and _FusedMatMul of `backendName` (default wasm) with the untransposed
 * forms; idempotent. Returns the kernels replaced.
 */
export function registerUntransposedMatMul(backendName = 'wasm'): string[] {
  if (done.has(backendName)) return [];
  const transposeK = tf.getKernel(tf.Transpose, backendName);
  if (!transposeK) return [];
  done.add(backendName);
  const out: string[] = [];
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) {
    const stock = tf.getKernel(name, backendName);
    if (!stock) continue;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel(untransposedMatMulConfig(stock, transposeK));
    out.push(name);
  }
  return out;
}

// A sharing Identity for wasm. Under a gradient tape tfjs-core clones every tensor a gradient
// will need (Engine.saveTensorsForBackwardMode → clone → Identity), and wasm's stock Identity
// copies the data: W5 ran 826 such copies per step, and conv models copy every saved activation.
// Tensors are immutable in tfjs, so the clone may share the storage, as the cpu backend's
// Identity and wasm's own Reshape already do: raise the reference count and return the same data.
import * as tf from '@tensorflow/tfjs-core';

interface RefBackend { incRef(dataId: object): void }

export function sharingIdentityConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Identity,
    backendName: stock.backendName,
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => {
      const x = (args.inputs as { x: tf.TensorInfo }).x;
      if (x.dtype === 'string') return stock.kernelFunc(args);
      (args.backend as unknown as RefBackend).incRef(x.dataId as object);
      return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
    },
  };
}

const done = new Set<string>();

/** Replaces Identity of `backendName` (default wasm) with the sharing one; idempotent. */
export function registerSharingIdentity(backendName = 'wasm'): string[] {
  if (done.has(backendName)) return [];
  const stock = tf.getKernel(tf.Identity, backendName);
  if (!stock) return [];
  done.add(backendName);
  tf.unregisterKernel(tf.Identity, backendName);
  tf.registerKernel(sharingIdentityConfig(stock));
  return [tf.Identity];
}

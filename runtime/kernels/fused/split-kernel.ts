// The split's channel split as one host op (x → kept part, factored part already flattened for a
// fixed prior; its gradient the interleaving copy) instead of SplitV / Concat (~2 ms each on wasm at
// W3's size). A planner kernel around the plain Split (test/runtime/fused-coupling-image-split.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from '../../bijectors/split.js';
import { registerKernel } from '../../plan/registry.js';
import { hostOp } from './host-op.js';
import { withForward } from './coupling-kernels.js';

export const FUSED_SPLIT = registerKernel({
  name: 'fused-split',
  kind: 'split',
  backends: ['wasm', 'cpu'],
  settings: ['fuse'],
  doc: 'the channel split as one host op (factored part flattened for a fixed prior)',
  applies: () => true,
  build: (layer, plain, _ctx, on) => {
    const s = plain as Split;
    const keep = s.keep,
      drop = s.drop,
      C = keep + drop,
      outSize = s.outSize;
    const flat = layer.kind === 'split' && layer.args.prior !== 'conditional';
    const op = hostOp({
      shapes: ([xs]) => [[...xs!.slice(0, -1), keep], flat ? [xs![0]!, outSize] : [...xs!.slice(0, -1), drop]],
      forward: ([x]) => {
        const R = x!.length / C,
          y = new Float32Array(R * keep),
          z = new Float32Array(R * drop);
        for (let r = 0; r < R; r++) {
          const o = r * C;
          for (let k = 0; k < keep; k++) y[r * keep + k] = x![o + k]!;
          for (let k = 0; k < drop; k++) z[r * drop + k] = x![o + keep + k]!;
        }
        return { outputs: [y, z] };
      },
      backward: ([dy, dz], _s, [x]) => {
        const R = x!.length / C,
          dx = new Float32Array(x!.length);
        for (let r = 0; r < R; r++) {
          const o = r * C;
          if (dy) for (let k = 0; k < keep; k++) dx[o + k] = dy[r * keep + k]!;
          if (dz) for (let k = 0; k < drop; k++) dx[o + keep + k] = dz[r * drop + k]!;
        }
        return [dx];
      },
    });
    return withForward(
      plain,
      (x: tf.Tensor) => {
        const [y, z2] = op([x]) as [tf.Tensor, tf.Tensor];
        return s.scored(x, y, z2);
      },
      on,
    );
  },
});

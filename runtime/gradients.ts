// Gradient registrations. tfjs-core's Node entry (dist/tf-core.node.js, CommonJS) ships no
// gradient functions: the umbrella @tensorflow/tfjs package registers them by importing
// tfjs-core/dist/register_all_gradients.js, an ES module whose relative imports carry no file
// extension (so plain Node cannot load it) in a package Node treats as CommonJS. We load it through
// a tiny module hook (resolve: add '.js'; load: treat tfjs-core's dist files as ES modules). The
// registries are process-global in tfjs-core, so the CommonJS entry sees the registrations.
// Importing this module (build.ts and train-step.ts do) is enough; it awaits at top level.
import * as tf from '@tensorflow/tfjs-core';
import { register } from 'node:module';

const HOOKS = `
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); }
  catch (e) {
    const p = context.parentURL || '';
    if (p.includes('/@tensorflow/tfjs-core/dist/') && specifier.startsWith('.') && !specifier.endsWith('.js')) {
      try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }
    }
    throw e;
  }
}
export async function load(url, context, next) {
  if (url.includes('/@tensorflow/tfjs-core/dist/') && url.endsWith('.js') && !/tf-core[^/]*\\.js$/.test(url)) {
    const r = await next(url, { ...context, format: 'module' });
    return { ...r, format: 'module' };
  }
  return next(url, context);
}`;

let pending: Promise<void> | null = null;

/** Registers tfjs-core's gradient functions once per process (no-op when already there). */
export function ensureGradients(): Promise<void> {
  if (tf.getGradient(tf.Sum) && tf.getGradient(tf.Conv2D)) return Promise.resolve();
  pending ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
    const spec = '@tensorflow/tfjs-core/dist/register_all_gradients.js';
    await import(spec);
    if (!tf.getGradient(tf.Sum)) throw new Error('could not register the tfjs gradient functions');
  })();
  return pending;
}

await ensureGradients();

// Comparisons are piecewise constant: their gradient is zero. tfjs registers none, so a graph like
// tf.where(tf.greater(x, 0), a, b) with x on the tape (the discretized logistic mixture's edge bins)
// would fail with "gradient function not found for Greater".
for (const kernelName of [tf.Greater, tf.GreaterEqual, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual]) {
  if (!tf.getGradient(kernelName)) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0]!), b: () => tf.zerosLike(saved[1]!) }),
    });
  }
}

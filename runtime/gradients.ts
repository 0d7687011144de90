// Gradient registrations. tfjs-core's Node entry (dist/tf-core.node.js, CommonJS) ships no
// gradient functions: the umbrella @tensorflow/tfjs package registers them by importing
// tfjs-core/dist/register_all_gradients.js, an ES module whose relative imports carry no file
// extension (so plain Node cannot load it) in a package Node treats as CommonJS. We load it through
// a tiny module hook (resolve: add '.js'; load: treat tfjs-core's dist files as ES modules). The
// registries are process-global in tfjs-core, so the CommonJS entry sees the registrations.
// Importing this module (build.ts and train-step.ts do) is enough; it awaits at top level.
import * as tf from '@tensorflow/tfjs-core';
import { register } from 'node:module';
import './gradients-compare.js';

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

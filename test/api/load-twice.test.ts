// A saved model loads in a process that already built a model of the same spec (the API's usual case:
// loadRun, then loadModel of its export). tfjs names variables per process, so the second model's
// names carry a suffix; saving and loading go by the names without it, for every family.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { initBackend } from '../../runtime/backend.js';
import { build } from '../../runtime/build.js';
import { loadModel, saveModel } from '../../runtime/io.js';

const dir = mkdtempSync(join(tmpdir(), 'flowc-twice-'));
beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPECS: Record<string, string> = {
  autoregressive:
    'model M {\n  data x: binary[4]\n  order natural\n  conditional made(hidden: [8])\n' +
    '  likelihood bernoulli\n}\n',
  vae:
    'model M {\n  data x: binary[4]\n  latent z: real[2]\n  prior normal\n  encoder mlp(8)\n  posterior gaussian\n' +
    '  decoder mlp(8)\n  likelihood bernoulli\n}\n',
  flow: 'model M {\n  data x: real[2]\n  prior normal\n  flow { coupling(affine, mask: half, net: mlp(8)) }\n}\n',
};

describe('loadModel after a model of the same spec was built', () => {
  for (const [family, text] of Object.entries(SPECS)) {
    it(`${family}: the same weights and logProb`, async () => {
      const { ir, diagnostics } = compileSource(text, `${family}.flow`);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const first = build(ir!);
      for (const v of first.variables) v.assign(tf.randomNormal(v.shape, 0, 0.3));
      const out = join(dir, family);
      await saveModel(first, out);
      const saved = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).weightsManifest[0].weights;
      expect(saved.some((w: { name: string }) => /[#~]\d+$/.test(w.name))).toBe(false);
      const loaded = loadModel(out); // built while `first` still holds the names
      const x =
        family === 'flow'
          ? tf.tensor2d([
              [0.1, -0.3],
              [1, 2],
            ])
          : tf.tensor2d([
              [0, 1, 1, 0],
              [1, 1, 0, 0],
            ]);
      const want = family === 'vae' ? undefined : first.logProb(x).dataSync();
      for (const [i, v] of loaded.variables.entries()) {
        expect(Array.from(v.dataSync())).toEqual(Array.from(first.variables[i]!.dataSync()));
      }
      if (want)
        loaded
          .logProb(x)
          .dataSync()
          .forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
      first.dispose();
      loaded.dispose();
    });
  }
});

// Save / load a trained model as FlowIR + weights in tfjs's IO format: model.json
// ({ format, generatedBy, modelTopology: FlowIR, weightsManifest }) and weights.bin, written
// atomically (temp file + rename). loadModel builds from the saved IR (no compiler needed).
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from './model.js';
import { build } from './build.js';
import { checkedFlowIR } from './ir-check.js';

export const MODEL_FORMAT = 'flowc-model';

interface ModelJson {
  format: string;
  generatedBy: string;
  modelTopology: FlowIR;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

function atomicWrite(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * stable name → variable. tfjs registers variable names per process, so a second model built from the
 * same IR gets suffixed names (`#1` from runtime/nets, `~1` from runtime/ar); models that keep their
 * names beside tfjs's expose them (namedVariables), the others lose the suffix here.
 */
function named(model: FlowModel): [string, tf.Variable][] {
  const nv = (model as { namedVariables?: () => Map<string, tf.Variable> }).namedVariables;
  if (nv) return [...nv.call(model).entries()];
  const stable = model.variables.map((v) => [v.name.replace(/[#~]\d+$/, ''), v] as [string, tf.Variable]);
  return new Set(stable.map(([n]) => n)).size === stable.length ? stable : model.variables.map((v) => [v.name, v]);
}

export async function saveModel(model: FlowModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors: tf.NamedTensorMap = Object.fromEntries(named(model));
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const json: ModelJson = {
    format: MODEL_FORMAT,
    generatedBy: `flowc (tfjs-core ${tf.version_core})`,
    modelTopology: model.ir,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  atomicWrite(join(dir, 'weights.bin'), new Uint8Array(data));
  atomicWrite(join(dir, 'model.json'), JSON.stringify(json));
}

export function loadModel(dir: string): FlowModel {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelJson;
  if (json.format !== MODEL_FORMAT || !json.modelTopology || !json.weightsManifest) {
    throw new Error(`${dir}/model.json is not a flowc model (format '${json.format}')`);
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const bufs = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
  const all = Buffer.concat(bufs);
  const buffer = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = build(checkedFlowIR(json.modelTopology, `${dir}/model.json`));
  const weights = tf.io.decodeWeights(buffer, specs);
  try {
    const missing: string[] = [];
    // files written before names lost their per-process suffix keep it
    const bySuffixless = new Map(Object.entries(weights).map(([k, t]) => [k.replace(/[#~]\d+$/, ''), t]));
    for (const [name, v] of named(model)) {
      const w = weights[name] ?? bySuffixless.get(name);
      if (!w) {
        missing.push(name);
        continue;
      }
      v.assign(w);
    }
    if (missing.length) throw new Error(`${dir}: weights missing for ${missing.join(', ')}`);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
  return model;
}

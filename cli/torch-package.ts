// Writing a PyTorch package (flowc compile --target pytorch, flowc export --target pytorch): the
// emitter's files (compiler/targets/pytorch), the flowc_torch support package and train.py copied
// from targets/pytorch/, and the weights: the tfjs model's own (its initialisation for compile, the
// run's for export) as weights.ckpt, with the fixed tensors its layers drew as constants.json.
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitTorch, type Unsupported } from '../compiler/targets/pytorch/emit.js';
import { TORCH_CONDITIONALS, TORCH_LAYERS } from '../compiler/targets/pytorch/supported.js';
import type { FlowIR } from '../compiler/ir/types.js';
import type { FlowModel } from '../runtime/model.js';
import { fsReason, makeDirs, UserError, type CliIO } from './io.js';

/** targets/pytorch of this installation (from dist/cli/ or, under the test runner, cli/) */
export function torchSupportDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, d = dirname(d)) {
    const t = join(d, 'targets', 'pytorch');
    if (existsSync(join(t, 'flowc_torch', 'flow.py'))) return t;
  }
  throw new UserError('the PyTorch support files (targets/pytorch/) are missing from this installation');
}

/** one line per construct the target lacks: "file:line:col: error: …" */
export function unsupportedMessage(ir: FlowIR, spec: string, u: Unsupported): string {
  const where = u.at ?? spec;
  const layer = u.id ? ` (layer ${u.id})` : '';
  return (
    `${where}: error: the pytorch target does not implement ${u.construct}${layer} in model ${ir.model}; ` +
    `it implements flows (layers ${Object.keys(TORCH_LAYERS).join(', ')}), VAEs, energy targets ` +
    `and the autoregressive conditionals ${Object.keys(TORCH_CONDITIONALS).join(', ')}\n`
  );
}

/**
 * Writes the package for `ir` into `dir`. `model`: the tfjs model whose weights to carry (built
 * here at its initialisation when absent); `step`: the optimizer steps those weights have.
 */
export async function writeTorchPackage(
  io: CliIO,
  ir: FlowIR,
  source: string,
  dir: string,
  model?: FlowModel,
  step = 0,
): Promise<void> {
  const r = emitTorch(ir, source);
  if ('unsupported' in r) {
    throw new UserError(
      r.unsupported
        .map((u) => unsupportedMessage(ir, source, u))
        .join('')
        .trimEnd(),
    );
  }
  const support = torchSupportDir();
  let own: FlowModel | undefined;
  try {
    if (!model) {
      const { startBackend } = await import('./run.js');
      await startBackend(ir, ir.train.batch, false);
      const { build } = await import('../runtime/build.js');
      own = build(ir);
    }
    const m = (model ?? own)!;
    const { encodeCheckpoint } = await import('../runtime/checkpoint.js');
    const constants: Record<string, unknown> = {};
    for (const b of (m as { bijectors?: { id: string; constants?: () => object }[] }).bijectors ?? []) {
      const c = b.constants?.();
      if (c && Object.keys(c).length) constants[b.id] = c;
    }
    makeDirs('-o', dir);
    for (const [name, text] of Object.entries(r.pkg.files)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'constants.json'), JSON.stringify(constants) + '\n');
    writeFileSync(join(dir, 'weights.ckpt'), encodeCheckpoint(m, { step, cursor: 0, meta: { engine: 'tfjs' }, ir }));
    cpSync(join(support, 'flowc_torch'), join(dir, 'flowc_torch'), {
      recursive: true,
      filter: (s) => !s.includes('__pycache__'),
    });
    cpSync(join(support, 'train.py'), join(dir, 'train.py'));
  } catch (e) {
    if (!(e as NodeJS.ErrnoException)?.code) throw e;
    throw new UserError(`-o ${dir}: cannot write the package there: ${fsReason(e)}`);
  } finally {
    own?.dispose();
  }
  io.err(`wrote ${resolve(dir)}: model.py, train.py, flowc_torch/, weights.ckpt (PyTorch package of ${ir.model})\n`);
}

// Big models on a bounded heap: evaluation batches are capped by the compiler's per-example
// activation estimate, and a WebAssembly out-of-memory trap is reported as one line with what
// to change, not as an "internal error".
import { describe, expect, it } from 'vitest';
import { handleError, outOfMemory } from '../../cli/program.js';
import type { CliIO } from '../../cli/io.js';
import { EVAL_ACTIVATION_BUDGET, evalBatchFor } from '../../runtime/trainer.js';
import { compileSource } from '../../compiler/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const irOf = (spec: string) => {
  const { ir } = compileSource(readFileSync(join(ROOT, 'specs', spec), 'utf8'), spec);
  if (!ir) throw new Error(`${spec} did not compile`);
  return ir;
};

describe('evalBatchFor', () => {
  it('keeps batch × activations within the budget, never below 1, never above the wish', () => {
    const MB = 2 ** 20;
    expect(evalBatchFor({ totals: { params: 0, flops: 0, activationBytes: 18 * MB } }, 256)).toBe(
      Math.floor(EVAL_ACTIVATION_BUDGET / (18 * MB)),
    );
    expect(evalBatchFor({ totals: { params: 0, flops: 0, activationBytes: 4096 } }, 256)).toBe(256);
    expect(evalBatchFor({ totals: { params: 0, flops: 0, activationBytes: 10 * EVAL_ACTIVATION_BUDGET } }, 256)).toBe(
      1,
    );
    expect(evalBatchFor({ totals: { params: 0, flops: 0, activationBytes: 0 } }, 300)).toBe(300);
  });
  it('shrinks the Gated PixelCNN of the spec library, and leaves two moons alone', () => {
    const gated = irOf('gated_pixelcnn.flow');
    const b = evalBatchFor(gated, 256);
    expect(b).toBeLessThan(256);
    expect(b * gated.totals.activationBytes).toBeLessThanOrEqual(EVAL_ACTIVATION_BUDGET);
    expect(evalBatchFor(irOf('two_moons.flow'), 256)).toBe(256);
  });
});

describe('out-of-memory traps', () => {
  const capture = () => {
    let err = '';
    const io: CliIO = { out: () => {}, err: (t) => void (err += t), isTTY: false, color: false };
    return { io, err: () => err };
  };
  it('recognises the wasm traps, not ordinary errors', () => {
    expect(outOfMemory(new WebAssembly.RuntimeError('memory access out of bounds'))).toBe(true);
    expect(outOfMemory(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(outOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(outOfMemory(new TypeError("Cannot read properties of undefined (reading 'shape')"))).toBe(false);
  });
  it('prints one line naming the cause and the remedy, exit 1', () => {
    const c = capture();
    const code = handleError(c.io, new WebAssembly.RuntimeError('memory access out of bounds'));
    expect(code).toBe(1);
    const lines = c.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        /^flowc: error: the .* backend failed \(memory access out of bounds\), /.source +
          /most likely out of memory; try a smaller --batch/.source,
      ),
    );
    expect(lines[0]).not.toMatch(/internal error/);
  });
  it('other errors stay internal errors', () => {
    const c = capture();
    expect(handleError(c.io, new TypeError('boom'))).toBe(1);
    expect(c.err()).toMatch(/^flowc: internal error: boom/);
  });
});

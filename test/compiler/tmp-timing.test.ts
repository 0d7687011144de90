import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkSource } from '../../compiler/index.js';
import { lowerModel } from '../../compiler/lower.js';
import { validateFlowIR } from '../../compiler/ir/schema.js';
it('timing', () => {
  const text = readFileSync('specs/maf_mnist.flow', 'utf8');
  let t = performance.now();
  const r = checkSource(text, 'maf.flow');
  console.log('check', performance.now() - t); t = performance.now();
  const ir = lowerModel(r.models[0]!);
  console.log('lower', performance.now() - t); t = performance.now();
  validateFlowIR(ir);
  console.log('validate', performance.now() - t); t = performance.now();
  validateFlowIR(ir);
  console.log('validate2', performance.now() - t); t = performance.now();
});

// Specs for the Flow++ / spline tests: a one-model spec around a data declaration and a flow body, compiled.
import { compileSource } from '../../compiler/index.js';
import type { FlowIR } from '../../compiler/ir/types.js';

export function irOf(data: string, flow: string): FlowIR {
  const text = `model M {\n  data x: ${data}\n  prior normal\n  flow {\n${flow}\n  }\n}\n`;
  const r = compileSource(text, 'm.flow');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.ir;
}

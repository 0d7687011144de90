// flowc explain SPEC [--model NAME] [--json]
import { explain, explainJson } from '../../compiler/explain.js';
import type { CliIO } from '../io.js';
import { compileSpec } from '../spec.js';

export async function runExplain(io: CliIO, spec: string, opts: { model?: string; json?: boolean }): Promise<number> {
  const ir = await compileSpec(io, spec, opts.model);
  if (opts.json) io.out(JSON.stringify(explainJson(ir), null, 2) + '\n');
  else {
    const text = explain(ir);
    io.out(text.endsWith('\n') ? text : text + '\n');
  }
  return 0;
}
